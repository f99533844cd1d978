"""JourneyRunWorkflow: a segment-entry journey's lifecycle.

It waits for the schedule's start, walks the entry segment a page at a time (an activity
admits each page, starting one JourneyWorkflow per member on its deterministic id, so a
retried page admits nobody twice), then with a refresh interval walks it again later to
admit new members. It stops at the schedule's end, or when the journey is closed, cancelled
or completed, and continues as new every few pages to keep its history short.
"""

from __future__ import annotations

from datetime import timedelta

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from herald.models.journey_run import (
        ADMIT_PAGE_ACTIVITY,
        JOURNEY_RUN_WORKFLOW,
        PUBLISHED_SIGNAL,
        AdmitPageRequest,
        AdmitPageResult,
        JourneyRunInput,
    )
    from workflows.steps.policies import LOOKUP_RETRY

PAGES_PER_RUN = 50
ADMIT_TIMEOUT = timedelta(minutes=5)
# The admission activity heartbeats every 2 s; a worker killed mid-page is noticed after this
# and the page (idempotent: deterministic workflow ids) retried, instead of after ADMIT_TIMEOUT.
ADMIT_HEARTBEAT = timedelta(seconds=10)
PAUSED_RECHECK = timedelta(minutes=5)
# Before this a run slept out its wait for the schedule's start or its next pass whatever was
# published meanwhile; now a newly published version wakes it to read that version.
WAKES_ON_PUBLISH_PATCH = "run-wakes-on-publish"


@workflow.defn(name=JOURNEY_RUN_WORKFLOW)
class JourneyRunWorkflow:
    def __init__(self) -> None:
        self._admitted = 0
        self._read = 0  # the journey version the last page read
        self._published = 0  # the newest version published, as signalled

    @workflow.run
    async def run(self, inp: JourneyRunInput) -> int:
        self._admitted = inp.admitted
        cursor = inp.cursor
        for _ in range(PAGES_PER_RUN):
            page = await self._admit(inp, cursor)
            self._admitted += page.admitted
            cursor = page.cursor
            if page.journey_state in ("CLOSED", "CANCELLED", "COMPLETED"):
                return self._admitted
            if await self._wait_for_window(page):
                return self._admitted
            if page.done:
                if page.refresh is None:
                    return self._admitted
                workflow.set_current_details(
                    f"admitted {self._admitted}; next pass in {page.refresh}"
                )
                await self._sleep(page.refresh, f"refresh every {page.refresh}")
                inp = inp.model_copy(update={"passes": inp.passes + 1})
                cursor = ""
        workflow.continue_as_new(
            inp.model_copy(update={"cursor": cursor, "admitted": self._admitted})
        )

    async def _sleep(self, length: timedelta, summary: str) -> None:
        """Wait `length`, or until a version newer than the last page read is published."""
        if not workflow.patched(WAKES_ON_PUBLISH_PATCH):
            await workflow.sleep(length, summary=summary)
            return
        try:
            await workflow.wait_condition(
                lambda: self._published > self._read, timeout=length, timeout_summary=summary
            )
        except TimeoutError:
            return

    @workflow.signal(name=PUBLISHED_SIGNAL)
    def published(self, version: int) -> None:
        self._published = max(self._published, version)

    async def _admit(self, inp: JourneyRunInput, cursor: str) -> AdmitPageResult:
        workflow.set_current_details(f"pass {inp.passes + 1}: admitting after {cursor!r}")
        result: AdmitPageResult = await workflow.execute_activity(
            ADMIT_PAGE_ACTIVITY,
            AdmitPageRequest(
                journey=inp.journey, after=cursor, limit=inp.page_size, now=workflow.now()
            ),
            result_type=AdmitPageResult,
            start_to_close_timeout=ADMIT_TIMEOUT,
            heartbeat_timeout=ADMIT_HEARTBEAT,
            retry_policy=LOOKUP_RETRY,
            summary=f"admit up to {inp.page_size} of {inp.journey}'s segment after {cursor!r}",
        )
        self._read = max(self._read, result.version or 0)
        return result

    async def _wait_for_window(self, page: AdmitPageResult) -> bool:
        """Sleep until the schedule opens or while paused. True when the schedule has ended."""
        now = workflow.now()
        if page.schedule_end and now >= page.schedule_end:
            return True
        if page.schedule_start and now < page.schedule_start:
            await self._sleep(page.schedule_start - now, "until the journey starts")
        elif page.journey_state == "PAUSED":
            await self._sleep(PAUSED_RECHECK, "journey paused")
        return False

    @workflow.query
    def admitted(self) -> int:
        return self._admitted
