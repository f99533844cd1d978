"""Recurring campaigns as Temporal Schedules (`campaign-schedule:{campaign}`, visible in the
Temporal UI): each fire starts a CampaignWorkflow `campaign:{campaign}:scheduled-{time}`
(`scheduled-2-{time}`... once the campaign is scheduled anew after a cancel).

A Schedule's spec is written when the campaign is applied with a change (`put_schedule`
replaces the spec of one that exists); applied unchanged, its Schedule is left as it is.
"""

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
MONTHS_OF = {31: (1, 3, 5, 7, 8, 10, 12), 30: (4, 6, 9, 11)}  # February apart
# The years without a 29 February, as far as Temporal's calendars go (it refuses years
# outside 2000-2100 and looks no further): 2100 is one, 2000 is not.
COMMON_YEARS = [ScheduleRange(y, 2100, 4) for y in (2001, 2002, 2003)] + [ScheduleRange(2100)]


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
    if s.frequency == "MONTHLY":
        calendars = monthly(minute, hour, wall.day)
    else:
        calendars = [
            {
                "HOURLY": ScheduleCalendarSpec(minute=minute, hour=EVERY_HOUR),
                "DAILY": ScheduleCalendarSpec(minute=minute, hour=hour),
                "WEEKLY": ScheduleCalendarSpec(
                    minute=minute, hour=hour, day_of_week=[ScheduleRange(wall.isoweekday() % 7)]
                ),
            }[s.frequency]
        ]
    return ScheduleSpec(
        calendars=calendars, time_zone_name=zone, start_at=start_at, end_at=s.end_time
    )


def monthly(
    minute: list[ScheduleRange], hour: list[ScheduleRange], day: int
) -> list[ScheduleCalendarSpec]:
    """Day `day` of every month, as Pinpoint's MONTHLY: a month without that day (the 29th,
    30th or 31st) runs on its last day, February on the 29th in a leap year."""
    if day <= 28:
        return [ScheduleCalendarSpec(minute=minute, hour=hour, day_of_month=[ScheduleRange(day)])]
    by_day: dict[int, list[int]] = {}
    for length, months in MONTHS_OF.items():
        by_day.setdefault(min(day, length), []).extend(months)
    calendars = [
        ScheduleCalendarSpec(
            minute=minute,
            hour=hour,
            day_of_month=[ScheduleRange(d)],
            month=[ScheduleRange(m) for m in sorted(months)],
            comment=f"day {day}, or the month's last",
        )
        for d, months in by_day.items()
    ]
    february = [ScheduleRange(2)]
    return [
        *calendars,
        # Only a leap year has a 29 February, so this one matches nothing in other years.
        ScheduleCalendarSpec(
            minute=minute,
            hour=hour,
            day_of_month=[ScheduleRange(29)],
            month=february,
            comment=f"day {day}: February's last in a leap year",
        ),
        ScheduleCalendarSpec(
            minute=minute,
            hour=hour,
            day_of_month=[ScheduleRange(28)],
            month=february,
            year=COMMON_YEARS,
            comment=f"day {day}: February's last in other years",
        ),
    ]


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
