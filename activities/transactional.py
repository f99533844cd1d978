"""Activities of transactional messages beyond the send itself (that is `send_message`)."""

from __future__ import annotations

from temporalio import activity

from herald.models.transactional import RECORD_RESULTS_ACTIVITY, MessageResponse
from herald.store import Database
from herald.transactional.store import record_results


class TransactionalActivities:
    def __init__(self, database: Database) -> None:
        self._database = database

    @activity.defn(name=RECORD_RESULTS_ACTIVITY)
    async def record_message_results(self, response: MessageResponse) -> None:
        """Keep the request's results, so they outlive the workflow's retention."""
        async with self._database.session() as session:
            await record_results(session, response.request_id, response.results)
