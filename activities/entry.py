"""The segment-admission activity of JourneyRunWorkflow."""

from __future__ import annotations

from temporalio import activity
from temporalio.client import Client
from temporalio.exceptions import ApplicationError

from herald.journeys.admission import AdmissionError, admit_page
from herald.models.journey_run import ADMIT_PAGE_ACTIVITY, AdmitPageRequest, AdmitPageResult
from herald.store import Database


class EntryActivities:
    def __init__(self, database: Database, temporal: Client, task_queue: str) -> None:
        self._database = database
        self._temporal = temporal
        self._task_queue = task_queue

    @activity.defn(name=ADMIT_PAGE_ACTIVITY)
    async def admit_segment_page(self, request: AdmitPageRequest) -> AdmitPageResult:
        try:
            return await admit_page(self._temporal, self._database, request, self._task_queue)
        except AdmissionError as exc:
            raise ApplicationError(str(exc), type="AdmissionError", non_retryable=True) from exc
