"""CampaignWorkflow: one run of one campaign (`campaign:{campaign}:{run}`).

It waits for the start, snapshots the segment into the run's assignments (an activity that
heartbeats its cursor), then sends in batches from an activity, one batch at a time, until
nothing is left; endpoints waiting for their local time or the end of quiet time are asked
for again when due. It continues as new every few batches to keep its history short. Pause,
resume and cancel are updates with validators: a request that makes no sense is refused
with the reason, and the run changes state only between batches.

A snapshot that fails for good (the segment is gone, or no longer at the version the
campaign pins) ends the run FAILED, with the reason on the run and on any endpoint already
copied; nothing is sent. As Pinpoint marks a campaign it cannot run INVALID, a ONCE campaign
whose run failed shows INVALID until it is applied again with the fix (and is then scheduled
anew); a recurring or event-triggered campaign goes on to its next run, whose snapshot may
succeed, and the failed run stays in its history with its reason.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import suppress
from datetime import datetime, timedelta

from temporalio import workflow
from temporalio.common import SearchAttributeKey
from temporalio.exceptions import ActivityError, FailureError

with workflow.unsafe.imports_passed_through():
    from herald.models.campaign_run import (
        CAMPAIGN_WORKFLOW,
        CANCEL_UPDATE,
        FINISHED,
        PAUSE_UPDATE,
        PROGRESS_QUERY,
        RESUME_UPDATE,
        SEND_BATCH_ACTIVITY,
        SET_STATE_ACTIVITY,
        START_RUN_ACTIVITY,
        BatchCounts,
        CampaignRunInput,
        CampaignState,
        ControlRequest,
        RunProgress,
        SendBatchRequest,
        SendBatchResult,
        SetStateRequest,
        StartRunRequest,
        StartRunResult,
        run_of,
    )
    from workflows.steps.policies import LOOKUP_RETRY, SEND_RETRY

BATCHES_PER_RUN = 200
START_TIMEOUT = timedelta(hours=2)  # a million endpoints copied in pages, heartbeating
START_HEARTBEAT = timedelta(minutes=2)
BATCH_TIMEOUT = timedelta(minutes=10)
# The batch activity heartbeats every 2 s while it sends; a worker killed mid-batch is noticed
# after this and the batch (idempotent: claimed keys) retried, instead of after BATCH_TIMEOUT.
BATCH_HEARTBEAT = timedelta(seconds=10)
STATE_TIMEOUT = timedelta(seconds=30)
SCHEDULED_START = SearchAttributeKey.for_datetime("TemporalScheduledStartTime")
# The start activity fails only for good (its errors are non-retryable, its retries endless):
# the run then ends FAILED with the reason, instead of leaving the run EXECUTING.
SNAPSHOT_FAILS_THE_RUN = "campaign-snapshot-fails-the-run"


def _reason(err: ActivityError) -> str:
    """What the start activity said (a CampaignError's message says what to fix)."""
    cause = err.cause
    return cause.message if isinstance(cause, FailureError) else str(err)


async def _wait(condition: Callable[[], bool], until: datetime, summary: str) -> None:
    """Until `condition` holds or the time comes, whichever is first."""
    with suppress(TimeoutError):  # the time came
        await workflow.wait_condition(
            condition, timeout=until - workflow.now(), timeout_summary=summary
        )


@workflow.defn(name=CAMPAIGN_WORKFLOW)
class CampaignWorkflow:
    def __init__(self) -> None:
        self._state = CampaignState.SCHEDULED
        self._paused = False
        self._cancelled = False
        self._counts = BatchCounts()
        self._members = 0
        self._holdout = 0

    @workflow.run
    async def run(self, inp: CampaignRunInput) -> RunProgress:
        self._paused, self._counts = inp.paused, inp.counts or BatchCounts()
        run = run_of(workflow.info().workflow_id, inp.campaign)
        nominal = (
            inp.nominal or inp.start_at or self._scheduled_time() or workflow.info().start_time
        )
        if not inp.started:
            if await self._wait_for_start(inp):
                return await self._finish(inp, run, CampaignState.CANCELLED, "campaign cancelled")
            try:
                started = await self._start(inp, run)
            except ActivityError as err:
                if not workflow.patched(SNAPSHOT_FAILS_THE_RUN):
                    raise  # histories from before the patch failed the workflow here
                return await self._finish(inp, run, CampaignState.FAILED, _reason(err))
            inp = inp.model_copy(update={"started": True, "deadline": started.deadline})
            self._members, self._holdout = started.members, started.holdout
            batch_size = started.batch_size
        else:
            batch_size = inp.batch_size or 1000
        return await self._send_all(inp, run, nominal, batch_size)

    async def _send_all(
        self, inp: CampaignRunInput, run: str, nominal: datetime, batch_size: int
    ) -> RunProgress:
        await self._set_state(inp, run, CampaignState.EXECUTING)
        for _ in range(BATCHES_PER_RUN):
            if await self._hold(inp, run):
                return await self._finish(inp, run, CampaignState.CANCELLED, "campaign cancelled")
            if inp.deadline and workflow.now() >= inp.deadline:
                reason = "not sent before the run's deadline (maximum duration or event age)"
                return await self._finish(inp, run, CampaignState.COMPLETED, reason)
            batch = await self._batch(inp, run, nominal, batch_size)
            self._counts = self._counts.plus(batch.counts)
            if batch.processed == 0:
                if batch.next_due is None:
                    return await self._finish(inp, run, CampaignState.COMPLETED, None)
                await self._sleep_until(batch.next_due, inp.deadline)
        workflow.continue_as_new(
            inp.model_copy(
                update={
                    "paused": self._paused,
                    "counts": self._counts,
                    "batch_size": batch_size,
                    "nominal": nominal,
                }
            )
        )

    def _scheduled_time(self) -> datetime | None:
        """The fire time a Temporal Schedule gave this run (its nominal start)."""
        return workflow.info().typed_search_attributes.get(SCHEDULED_START)

    async def _wait_for_start(self, inp: CampaignRunInput) -> bool:
        """Until the start time (cancel ends the wait). True when cancelled."""
        if inp.start_at and inp.start_at > workflow.now():
            workflow.set_current_details(f"scheduled for {inp.start_at.isoformat()}")
            await _wait(lambda: self._cancelled, inp.start_at, "until the campaign starts")
        return self._cancelled

    async def _start(self, inp: CampaignRunInput, run: str) -> StartRunResult:
        self._state = CampaignState.EXECUTING
        workflow.set_current_details("copying the segment")
        result: StartRunResult = await workflow.execute_activity(
            START_RUN_ACTIVITY,
            StartRunRequest(
                campaign=inp.campaign,
                run=run,
                workflow_id=workflow.info().workflow_id,
                now=workflow.now(),
                trigger=inp.trigger,
            ),
            result_type=StartRunResult,
            start_to_close_timeout=START_TIMEOUT,
            heartbeat_timeout=START_HEARTBEAT,
            retry_policy=LOOKUP_RETRY,
            summary=f"snapshot {inp.campaign}'s segment and assign treatments",
        )
        return result

    async def _batch(
        self, inp: CampaignRunInput, run: str, nominal: datetime, limit: int
    ) -> SendBatchResult:
        workflow.set_current_details(
            f"sent {self._counts.sent}, skipped {self._counts.skipped}, "
            f"failed {self._counts.failed} of {self._members - self._holdout}"
        )
        result: SendBatchResult = await workflow.execute_activity(
            SEND_BATCH_ACTIVITY,
            SendBatchRequest(
                campaign=inp.campaign,
                run=run,
                key_prefix=f"{workflow.info().workflow_id}",
                limit=limit,
                now=workflow.now(),
                nominal=nominal,
            ),
            result_type=SendBatchResult,
            start_to_close_timeout=BATCH_TIMEOUT,
            heartbeat_timeout=BATCH_HEARTBEAT,
            retry_policy=SEND_RETRY,
            summary=f"send up to {limit} messages of {inp.campaign}",
        )
        return result

    async def _hold(self, inp: CampaignRunInput, run: str) -> bool:
        """While paused, wait for resume or cancel. True when cancelled."""
        if self._paused and not self._cancelled:
            await self._set_state(inp, run, CampaignState.PAUSED)
            workflow.set_current_details("paused")
            await workflow.wait_condition(lambda: not self._paused or self._cancelled)
            if not self._cancelled:
                await self._set_state(inp, run, CampaignState.EXECUTING)
        return self._cancelled

    async def _sleep_until(self, due: datetime, deadline: datetime | None) -> None:
        until = min(due, deadline) if deadline else due
        if until > workflow.now():
            workflow.set_current_details(f"waiting until {until.isoformat()} to send the rest")
            await _wait(
                lambda: self._paused or self._cancelled,
                until,
                "local time, quiet time or a provider's retry",
            )

    async def _finish(
        self, inp: CampaignRunInput, run: str, state: CampaignState, close: str | None
    ) -> RunProgress:
        await self._set_state(inp, run, state, close)
        return self.progress()

    async def _set_state(
        self, inp: CampaignRunInput, run: str, state: CampaignState, close: str | None = None
    ) -> None:
        self._state = state
        await workflow.execute_activity(
            SET_STATE_ACTIVITY,
            SetStateRequest(campaign=inp.campaign, run=run, state=state, close_reason=close),
            start_to_close_timeout=STATE_TIMEOUT,
            retry_policy=LOOKUP_RETRY,
            summary=f"{inp.campaign} run {run}: {state.value}",
        )

    @workflow.query(name=PROGRESS_QUERY)
    def progress(self) -> RunProgress:
        return RunProgress(
            state=CampaignState.PAUSED if self._paused else self._state,
            counts=self._counts,
            members=self._members,
            holdout=self._holdout,
        )

    @workflow.update(name=PAUSE_UPDATE)
    def pause(self, request: ControlRequest) -> RunProgress:
        self._paused = True
        return self.progress()

    @pause.validator
    def _can_pause(self, request: ControlRequest) -> None:
        self._refuse_when_over("pause")
        if self._paused:
            raise ValueError("the run is already paused")

    @workflow.update(name=RESUME_UPDATE)
    def resume(self, request: ControlRequest) -> RunProgress:
        self._paused = False
        return self.progress()

    @resume.validator
    def _can_resume(self, request: ControlRequest) -> None:
        self._refuse_when_over("resume")
        if not self._paused:
            raise ValueError("the run is not paused")

    @workflow.update(name=CANCEL_UPDATE)
    def cancel(self, request: ControlRequest) -> RunProgress:
        self._cancelled = True
        return self.progress()

    @cancel.validator
    def _can_cancel(self, request: ControlRequest) -> None:
        self._refuse_when_over("cancel")

    def _refuse_when_over(self, action: str) -> None:
        if self._cancelled or self._state in FINISHED:
            raise ValueError(f"cannot {action}: the run is {self._state.value.lower()}")
