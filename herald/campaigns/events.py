"""Event-triggered campaigns: an event of the campaign's type (and attributes) starts a run
for its endpoint at once, `campaign:{campaign}:event-{event id}`, so an event delivered twice
sends once. The run drops the message if it cannot go within 5 minutes of the event."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from temporalio.client import Client

from herald.campaigns.launch import start_campaign_run
from herald.models import Event
from herald.models.campaign import Campaign
from herald.models.campaign_run import CampaignState, CampaignTrigger
from herald.store import Database
from herald.store.campaigns import list_campaigns


async def route_to_campaigns(
    temporal: Callable[[], Awaitable[Client]],
    database: Database,
    event: Event,
    event_id: str,
    task_queue: str,
) -> list[str]:
    """Start the runs this event triggers; returns their workflow ids."""
    if event.endpoint_id is None:
        return []
    async with database.session() as session:
        campaigns = await list_campaigns(session)
    started = []
    for campaign, state in campaigns:
        if state in (CampaignState.PAUSED, CampaignState.CANCELLED) or not _wants(campaign, event):
            continue
        trigger = CampaignTrigger(
            event_id=event_id,
            endpoint_id=event.endpoint_id,
            event_type=event.event_type,
            attributes=dict(event.attributes),
            timestamp=event.timestamp,
        )
        workflow_id = await start_campaign_run(
            await temporal(), campaign, f"event-{event_id}", task_queue, trigger=trigger
        )
        if workflow_id:
            started.append(workflow_id)
    return started


def _wants(campaign: Campaign, event: Event) -> bool:
    schedule = campaign.schedule
    rule = schedule.event
    if schedule.frequency != "EVENT" or rule is None or rule.event_type != event.event_type:
        return False
    if schedule.start_time and event.timestamp < schedule.start_time:
        return False
    if schedule.end_time and event.timestamp >= schedule.end_time:
        return False
    return all(event.attributes.get(k) == v for k, v in rule.attributes.items())
