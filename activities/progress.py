"""The journey progress activity: a participant's step or exit, recorded for metrics."""

from __future__ import annotations

from temporalio import activity

from herald.models.journey_progress import PROGRESS_ACTIVITY, JourneyProgress
from herald.store import Database
from herald.store.journey_progress import record_progress


class ProgressActivities:
    def __init__(self, database: Database) -> None:
        self._database = database

    @activity.defn(name=PROGRESS_ACTIVITY)
    async def record_progress(self, progress: JourneyProgress) -> None:
        async with self._database.session() as session:
            await record_progress(session, progress)
