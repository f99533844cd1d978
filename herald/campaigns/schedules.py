"""Recurring campaigns as Temporal Schedules (`campaign-schedule:{campaign}`, visible in the
Temporal UI): each fire starts a CampaignWorkflow `campaign:{campaign}:scheduled-{time}`
(`scheduled-2-{time}`... once the campaign is scheduled anew after a cancel)."""

from __future__ import annotations

from datetime import datetime, timedelta

from temporalio.client import (
    Client,
    Schedule,
    ScheduleActionStartWorkflow,
    ScheduleAlreadyRunningError,
    ScheduleCalendarSpec,
    ScheduleOverlapPolicy,
    SchedulePolicy,
    ScheduleRange,
    ScheduleSpec,
    ScheduleState,
    ScheduleUpdate,
    ScheduleUpdateInput,
)
from temporalio.common import SearchAttributePair, TypedSearchAttributes

from herald.campaigns.timing import EARLIEST_ZONE, run_start, wall_time
from herald.models.campaign import Campaign
from herald.models.campaign_run import (
    CAMPAIGN_WORKFLOW,
    CampaignRunInput,
    campaign_schedule_id,
    campaign_workflow_id,
    scheduled_run,
)
from herald.models.journey_run import HERALD_CAMPAIGN
from herald.models.zones import temporal_zone

EVERY_HOUR = [ScheduleRange(0, 23)]


def schedule_spec(campaign: Campaign, now: datetime) -> ScheduleSpec:
    """Fire times in the campaign's timezone from its start's wall time; local-time
    campaigns fire at that wall time at UTC+14 and defer each endpoint to its own."""
    s = campaign.schedule
    # An offset with minutes has no IANA name: its calendar is written in UTC, the same
    # instants all year (the model refuses what that cannot express).
    zone = str(EARLIEST_ZONE.key) if s.local_time else temporal_zone(s.timezone) or "UTC"
    wall = wall_time(s.start_time or now, s.timezone if s.local_time else zone)
    start_at = run_start(campaign)
    if s.frequency == "CRON":
        assert s.cron is not None
        return ScheduleSpec(
            cron_expressions=[s.cron], time_zone_name=zone, start_at=start_at, end_at=s.end_time
        )
    minute, hour = [ScheduleRange(wall.minute)], [ScheduleRange(wall.hour)]
    calendar = {
        "HOURLY": ScheduleCalendarSpec(minute=minute, hour=EVERY_HOUR),
        "DAILY": ScheduleCalendarSpec(minute=minute, hour=hour),
        "WEEKLY": ScheduleCalendarSpec(
            minute=minute, hour=hour, day_of_week=[ScheduleRange(wall.isoweekday() % 7)]
        ),
        "MONTHLY": ScheduleCalendarSpec(
            minute=minute, hour=hour, day_of_month=[ScheduleRange(wall.day)]
        ),
    }[s.frequency]
    return ScheduleSpec(
        calendars=[calendar], time_zone_name=zone, start_at=start_at, end_at=s.end_time
    )


def _schedule(
    campaign: Campaign, task_queue: str, now: datetime, paused: bool, generation: int
) -> Schedule:
    return Schedule(
        action=ScheduleActionStartWorkflow(
            CAMPAIGN_WORKFLOW,
            CampaignRunInput(campaign=campaign.name),
            id=campaign_workflow_id(campaign.name, scheduled_run(generation)),
            task_queue=task_queue,
            typed_search_attributes=TypedSearchAttributes(
                [SearchAttributePair(HERALD_CAMPAIGN, campaign.name)]
            ),
            static_summary=f"a scheduled run of campaign {campaign.name}",
        ),
        spec=schedule_spec(campaign, now),
        # A run still sending when the next is due: the next waits for it (one at most).
        policy=SchedulePolicy(
            overlap=ScheduleOverlapPolicy.BUFFER_ONE, catchup_window=timedelta(hours=1)
        ),
        state=ScheduleState(
            paused=paused, note=f"campaign {campaign.name}: {campaign.schedule.frequency}"
        ),
    )


async def put_schedule(
    temporal: Client,
    campaign: Campaign,
    task_queue: str,
    now: datetime,
    paused: bool,
    generation: int = 1,
) -> str:
    """Create the campaign's Schedule, or replace its spec and action. Returns its id.
    `generation`: how many times the campaign was scheduled (its runs' ids say it)."""
    schedule_id = campaign_schedule_id(campaign.name)
    schedule = _schedule(campaign, task_queue, now, paused, generation)
    try:
        await temporal.create_schedule(schedule_id, schedule)
    except ScheduleAlreadyRunningError:

        def replace(_: ScheduleUpdateInput) -> ScheduleUpdate:
            return ScheduleUpdate(schedule=schedule)

        await temporal.get_schedule_handle(schedule_id).update(replace)
    return schedule_id
