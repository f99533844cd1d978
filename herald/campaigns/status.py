"""A campaign's state and each recent run's progress, read from the store."""

from __future__ import annotations

from datetime import datetime

from pydantic import Field

from herald.models.base import HeraldModel
from herald.models.campaign import RECURRING, Campaign
from herald.models.campaign_run import CampaignState
from herald.store import Database
from herald.store import campaigns as store
from herald.store.clock import aware

ACTIVE_RUN = (CampaignState.EXECUTING.value, CampaignState.PAUSED.value)


class RunStatus(HeraldModel):
    run: str
    workflow_id: str
    state: CampaignState
    members: int
    holdout: int
    sent: int = 0
    skipped: int = 0
    failed: int = 0
    remaining: int = 0
    skipped_reasons: dict[str, int] = Field(default_factory=dict)
    started_at: datetime
    updated_at: datetime

    def rate(self, now: datetime) -> float:
        """Messages finished per second since the run started."""
        end = now if self.state.value in ACTIVE_RUN else self.updated_at
        seconds = max((end - self.started_at).total_seconds(), 1e-3)
        return (self.sent + self.skipped + self.failed) / seconds


class CampaignStatus(HeraldModel):
    name: str
    state: CampaignState
    frequency: str
    segment: str
    runs: list[RunStatus] = Field(default_factory=list, description="Newest first.")


def overall_state(
    campaign: Campaign, stored: CampaignState, runs: list[RunStatus]
) -> CampaignState:
    if stored in (CampaignState.PAUSED, CampaignState.CANCELLED):
        return stored
    if runs and runs[0].state.value in ACTIVE_RUN:
        return runs[0].state
    if campaign.schedule.frequency in (*RECURRING, "EVENT"):
        return CampaignState.PENDING_NEXT_RUN if runs else CampaignState.SCHEDULED
    if runs:
        return runs[0].state  # a ONCE run: COMPLETED or CANCELLED
    return CampaignState.SCHEDULED


async def campaign_status(database: Database, name: str, runs: int = 10) -> CampaignStatus | None:
    async with database.session() as session:
        found = await store.get_campaign(session, name)
        if found is None:
            return None
        campaign, stored = found
        statuses = []
        for row in await store.list_runs(session, name, runs):
            tally = await store.run_tally(session, name, row.run)
            statuses.append(
                RunStatus(
                    run=row.run,
                    workflow_id=row.workflow_id,
                    state=CampaignState(row.state),
                    members=row.members,
                    holdout=row.holdout,
                    sent=tally.get("sent", 0),
                    skipped=tally.get("skipped", 0),
                    failed=tally.get("failed", 0),
                    remaining=tally.get("pending", 0) + tally.get("deferred", 0),
                    skipped_reasons={
                        k.removeprefix("skipped: "): v
                        for k, v in tally.items()
                        if k.startswith("skipped: ")
                    },
                    started_at=aware(row.started_at),
                    updated_at=aware(row.updated_at),
                )
            )
    return CampaignStatus(
        name=name,
        state=overall_state(campaign, stored, statuses),
        frequency=campaign.schedule.frequency,
        segment=campaign.segment,
        runs=statuses,
    )
