"""The activities of CampaignWorkflow: start a run (snapshot), send a batch, set the state."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from temporalio import activity
from temporalio.exceptions import ApplicationError

from activities.heartbeat import heartbeating
from herald.campaigns.batch import send_batch
from herald.campaigns.errors import CampaignError
from herald.campaigns.snapshot import start_run
from herald.channels import ChannelRegistry
from herald.models.campaign_run import (
    SEND_BATCH_ACTIVITY,
    SET_STATE_ACTIVITY,
    START_RUN_ACTIVITY,
    SendBatchRequest,
    SendBatchResult,
    SetStateRequest,
    StartRunRequest,
    StartRunResult,
)
from herald.store import Database
from herald.store import campaigns as store

# The workflow's batch heartbeat timeout is a few of these: a batch whose worker died is
# retried on another worker seconds later, not when the start-to-close timeout ends.
HEARTBEAT_EVERY = timedelta(seconds=2)


class CampaignActivities:
    def __init__(self, database: Database, channels: ChannelRegistry) -> None:
        self._database = database
        self._channels = channels

    @activity.defn(name=START_RUN_ACTIVITY)
    async def start_campaign_run(self, request: StartRunRequest) -> StartRunResult:
        details = activity.info().heartbeat_details
        after = str(details[0]) if details else ""  # a retry resumes the segment copy here
        try:
            return await start_run(self._database, request, after, activity.heartbeat)
        except CampaignError as exc:
            raise ApplicationError(str(exc), type="CampaignError", non_retryable=True) from exc

    @activity.defn(name=SEND_BATCH_ACTIVITY)
    async def send_campaign_batch(self, request: SendBatchRequest) -> SendBatchResult:
        activity.heartbeat("sending")
        work = send_batch(self._database, self._channels, request)
        result = await heartbeating(work, HEARTBEAT_EVERY)
        activity.heartbeat(result.counts.model_dump())
        return result

    @activity.defn(name=SET_STATE_ACTIVITY)
    async def set_campaign_run_state(self, request: SetStateRequest) -> None:
        async with self._database.session() as session:
            await store.set_run_state(
                session, request.campaign, request.run, request.state, request.close_reason
            )
            if request.close_reason:
                await store.close_remaining(
                    session, request.campaign, request.run, request.close_reason
                )

    def all(self) -> list[Callable[..., Any]]:
        return [self.start_campaign_run, self.send_campaign_batch, self.set_campaign_run_state]
