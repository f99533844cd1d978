"""When a campaign's message may go to an endpoint: local-time delivery and quiet time.

Local time means the start's wall time in each endpoint's own timezone ("10:00 wherever you
are"). A run starts when that wall time first happens anywhere, at UTC+14, and defers each
endpoint to its own 10:00; an endpoint whose 10:00 has passed when the run reaches it is
sent at once. An HOURLY run's wall time is its minute: each endpoint waits for the first
time its own clock shows that minute, within the hour, before the next run.

A treatment with its own schedule (`TreatmentSchedule`) sends at its own time within the
run: its start shifted by as much as this run's nominal start is from the campaign's first
(on the wall of the campaign's zone when the treatment's time is a wall time, so that a
daylight saving change does not move it), with its own local time and quiet time.
"""

from __future__ import annotations

from datetime import datetime, timedelta, tzinfo
from zoneinfo import ZoneInfo

from herald.journeys.policy import _blocked
from herald.journeys.waits import participant_zone
from herald.models import Endpoint
from herald.models.campaign import Campaign, TreatmentSchedule
from herald.models.send import SendPolicy
from herald.models.zones import zone_of

EARLIEST_ZONE = ZoneInfo("Etc/GMT-14")  # POSIX sign: this is UTC+14


def wall_time(instant: datetime, zone: str) -> datetime:
    """`instant` as a clock on the wall in `zone` (an IANA name or UTC+HH:MM) shows it
    (naive)."""
    found = zone_of(zone)
    if found is None:  # the models validate every zone they take
        raise ValueError(f"unknown timezone {zone!r}")
    return instant.astimezone(found).replace(tzinfo=None)


def run_start(campaign: Campaign) -> datetime | None:
    """When a ONCE run starts; None: at once."""
    start = campaign.schedule.start_time
    if start is None:
        return None
    if not campaign.schedule.local_time:
        return start
    return wall_time(start, campaign.schedule.timezone).replace(tzinfo=EARLIEST_ZONE)


def local_send_time(campaign: Campaign, nominal: datetime, endpoint: Endpoint) -> datetime:
    """The run's wall time (kept in the UTC+14 frame) in the endpoint's own timezone."""
    wall = nominal.astimezone(EARLIEST_ZONE).replace(tzinfo=None)
    zone, _ = participant_zone(endpoint, campaign.schedule.timezone)
    return _on_the_wall(campaign, wall, zone, nominal)


def treatment_send_time(
    campaign: Campaign, own: TreatmentSchedule, nominal: datetime, endpoint: Endpoint
) -> datetime:
    """When a treatment with its own schedule sends to `endpoint` in the run of `nominal`."""
    s = campaign.schedule
    local = s.local_time if own.local_time is None else own.local_time
    zone_name = own.timezone or s.timezone
    if own.start_time is None:
        if not local:
            return nominal
        wall = (
            nominal.astimezone(EARLIEST_ZONE).replace(tzinfo=None)
            if s.local_time
            else wall_time(nominal, zone_name)
        )
    else:
        if not local:
            return own.start_time + _shift(campaign, nominal)
        wall = wall_time(own.start_time, zone_name) + _wall_shift(campaign, nominal)
    zone, _ = participant_zone(endpoint, zone_name)
    return _on_the_wall(campaign, wall, zone, nominal)


def _shift(campaign: Campaign, nominal: datetime) -> timedelta:
    """How far this run's nominal start is from the campaign's first (0 for a ONCE run)."""
    first = run_start(campaign)
    return nominal - first if first is not None else timedelta(0)


def _wall_shift(campaign: Campaign, nominal: datetime) -> timedelta:
    """`_shift` on the wall of the campaign's zone, where its runs keep their wall time
    (whole days from a winter run of a DAILY campaign to a summer one, where `_shift` also
    counts the hour the clocks moved). A local-time campaign's frame, UTC+14, never moves."""
    first = run_start(campaign)
    if first is None:
        return timedelta(0)
    s = campaign.schedule
    if s.local_time:
        return nominal - first
    return wall_time(nominal, s.timezone) - wall_time(first, s.timezone)


def _on_the_wall(campaign: Campaign, wall: datetime, zone: tzinfo, fire: datetime) -> datetime:
    """When the clock in `zone` shows `wall` in the run that fired at `fire`: that date and
    time (from a wall time in the UTC+14 frame, up to 26 hours after the fire); in an
    HOURLY run, whose wall time is its minute, the first time the clock shows that minute
    from the fire on, within the hour, so that the run is over before the next."""
    if campaign.schedule.frequency != "HOURLY":
        return wall.replace(tzinfo=zone)
    return max(fire, _next_minute(fire.replace(second=0, microsecond=0), wall.minute, zone))


def _next_minute(start: datetime, minute: int, zone: tzinfo) -> datetime:
    """The first whole minute from `start` (a whole minute) when the clock in `zone` shows
    `minute` past the hour."""
    local = start.astimezone(zone)
    found = (start + timedelta(minutes=(minute - local.minute) % 60)).astimezone(zone)
    if found.utcoffset() == local.utcoffset():  # the clock ran evenly: the first one
        return found
    at = start  # the clock moved in between: look minute by minute
    while (at_local := at.astimezone(zone)).minute != minute:
        at += timedelta(minutes=1)
    return at_local


def quiet_until(
    campaign: Campaign, endpoint: Endpoint, channel: str, now: datetime, treatment: str
) -> tuple[str, datetime] | None:
    """(reason, when it ends) when `now` is in the endpoint's quiet time; journeys' rule."""
    quiet = campaign.quiet_time_of(treatment)
    if quiet is None:
        return None
    own = campaign.schedule_of(treatment)
    zone_name = (own.timezone if own else None) or campaign.schedule.timezone
    policy = SendPolicy(quiet_time=quiet, default_timezone=zone_name)
    zone, _ = participant_zone(endpoint, policy.default_timezone)
    blocked = _blocked(policy, channel, now.astimezone(zone))
    return blocked[0] if blocked else None
