"""The segment-admission activity of JourneyRunWorkflow."""

from __future__ import annotations

from datetime import timedelta

from temporalio import activity
from temporalio.client import Client
from temporalio.exceptions import ApplicationError

from activities.heartbeat import heartbeating
from herald.journeys.admission import AdmissionError, admit_page
from herald.models.journey_run import ADMIT_PAGE_ACTIVITY, AdmitPageRequest, AdmitPageResult
from herald.store import Database

# The workflow's heartbeat timeout is a few of these: a page is retried on another worker
# seconds after its worker dies, not when the start-to-close timeout ends.
HEARTBEAT_EVERY = timedelta(seconds=2)


class EntryActivities:
    def __init__(self, database: Database, temporal: Client, task_queue: str) -> None:
        self._database = database
        self._temporal = temporal
        self._task_queue = task_queue

    @activity.defn(name=ADMIT_PAGE_ACTIVITY)
    async def admit_segment_page(self, request: AdmitPageRequest) -> AdmitPageResult:
        try:
            work = admit_page(self._temporal, self._database, request, self._task_queue)
            return await heartbeating(work, HEARTBEAT_EVERY)
        except AdmissionError as exc:
            raise ApplicationError(str(exc), type="AdmissionError", non_retryable=True) from exc
