"""A campaign's state and each recent run's progress, read from the store."""

from __future__ import annotations

from datetime import datetime

from pydantic import Field

from herald.models.base import HeraldModel
from herald.models.campaign import Campaign
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
    next_due: datetime | None = Field(
        default=None, description="When the first endpoint waiting for its time is due."
    )
    reason: str | None = Field(
        default=None, description="Why the run ended early: it failed, was cancelled..."
    )
    generation: int = Field(
        default=1, description="The campaign's scheduling it belongs to (see `once_run`)."
    )
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
    generation: int = Field(
        default=1, description="How many times it was scheduled; runs of earlier ones are history."
    )

    def latest(self) -> RunStatus | None:
        """The newest run of the current scheduling (None before its first run)."""
        return next((r for r in self.runs if r.generation == self.generation), None)


def overall_state(
    campaign: Campaign, stored: CampaignState, runs: list[RunStatus], now: datetime
) -> CampaignState:
    """The campaign's state from its stored one (pause, cancel) and its newest run of the
    current scheduling (`runs`: those only; earlier runs are history): SCHEDULED before the
    first run, the run's own state while one runs, PENDING_NEXT_RUN between recurring runs
    (a failed one included: the next may succeed), COMPLETED once the last run is over (a
    ONCE campaign's only run, or any run after the schedule's end_time), INVALID when a ONCE
    campaign's run FAILED (Pinpoint's state for a campaign it cannot run)."""
    latest = runs[0] if runs else None
    frequency, end = campaign.schedule.frequency, campaign.schedule.end_time
    if stored is CampaignState.CANCELLED:
        return stored
    running = latest is not None and latest.state.value in ACTIVE_RUN
    if latest is not None and frequency == "ONCE" and not running:
        if latest.state is CampaignState.FAILED:
            return CampaignState.INVALID
        return latest.state  # the only run is over: COMPLETED or CANCELLED
    if latest is not None and running:
        return CampaignState.PAUSED if stored is CampaignState.PAUSED else latest.state
    if frequency != "ONCE" and end is not None and now >= end:
        return CampaignState.COMPLETED  # no run starts after the end
    if stored is CampaignState.PAUSED:
        return stored
    if frequency != "ONCE" and latest is not None:
        return CampaignState.PENDING_NEXT_RUN
    return CampaignState.SCHEDULED


async def campaign_status(
    database: Database, name: str, now: datetime, runs: int = 10
) -> CampaignStatus | None:
    """`now`: the clock the campaign's end_time is compared with."""
    async with database.session() as session:
        found = await store.get_campaign(session, name)
        if found is None:
            return None
        campaign, stored = found
        generation = await store.get_generation(session, name)
        statuses = []
        for row in await store.list_runs(session, name, runs):
            tally = await store.run_tally(session, name, row.run)
            waiting = tally.get("deferred", 0)
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
                    next_due=await store.next_due(session, name, row.run) if waiting else None,
                    reason=row.reason,
                    generation=row.generation,
                    started_at=aware(row.started_at),
                    updated_at=aware(row.updated_at),
                )
            )
    return CampaignStatus(
        name=name,
        state=overall_state(
            campaign, stored, [r for r in statuses if r.generation == generation], now
        ),
        generation=generation,
        frequency=campaign.schedule.frequency,
        segment=campaign.segment,
        runs=statuses,
    )
