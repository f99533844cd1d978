"""Putting an applied campaign to work: a ONCE campaign's run starts (it waits for its start
time), a recurring one gets its Schedule, an event-triggered one waits for its events."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime

from temporalio.client import Client
from temporalio.common import (
    SearchAttributePair,
    TypedSearchAttributes,
    WorkflowIDConflictPolicy,
    WorkflowIDReusePolicy,
)
from temporalio.exceptions import WorkflowAlreadyStartedError

from herald.campaigns.schedules import put_schedule
from herald.campaigns.timing import run_start
from herald.models.campaign import RECURRING, Campaign
from herald.models.campaign_run import (
    CAMPAIGN_WORKFLOW,
    CampaignRunInput,
    CampaignTrigger,
    campaign_workflow_id,
    once_run,
)
from herald.models.journey_run import HERALD_CAMPAIGN


async def launch(
    temporal: Callable[[], Awaitable[Client]],
    campaign: Campaign,
    task_queue: str,
    now: datetime,
    paused: bool = False,
    generation: int = 1,
) -> str:
    """Start what the campaign's schedule asks for; returns a note for the apply result.
    Temporal is connected only when something starts there. `generation`: how many times
    the campaign was scheduled; a ONCE campaign scheduled anew runs under a new run id."""
    frequency = campaign.schedule.frequency
    if frequency == "EVENT":
        assert campaign.schedule.event is not None
        return f"sends when {campaign.schedule.event.event_type} events arrive"
    if frequency in RECURRING:
        schedule_id = await put_schedule(
            await temporal(), campaign, task_queue, now, paused, generation
        )
        return f"{frequency.lower()} runs on Temporal Schedule {schedule_id}"
    workflow_id = await start_campaign_run(
        await temporal(), campaign, once_run(generation), task_queue, start_at=run_start(campaign)
    )
    return f"runs once as {workflow_id}" if workflow_id else "ran already (ONCE campaigns run once)"


async def start_campaign_run(
    temporal: Client,
    campaign: Campaign,
    run: str,
    task_queue: str,
    *,
    start_at: datetime | None = None,
    trigger: CampaignTrigger | None = None,
) -> str | None:
    """Start run `run` unless it exists or existed (a run never sends twice). Returns the
    workflow id, or None when the run was there before."""
    workflow_id = campaign_workflow_id(campaign.name, run)
    try:
        await temporal.start_workflow(
            CAMPAIGN_WORKFLOW,
            CampaignRunInput(campaign=campaign.name, start_at=start_at, trigger=trigger),
            id=workflow_id,
            task_queue=task_queue,
            id_reuse_policy=WorkflowIDReusePolicy.REJECT_DUPLICATE,
            id_conflict_policy=WorkflowIDConflictPolicy.FAIL,
            search_attributes=TypedSearchAttributes(
                [SearchAttributePair(HERALD_CAMPAIGN, campaign.name)]
            ),
            static_summary=f"campaign {campaign.name}, run {run}",
        )
    except WorkflowAlreadyStartedError:
        return None
    return workflow_id
