"""Resolving waits that depend on the participant: local time of day, attribute dates."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, tzinfo

from herald.models import Endpoint
from herald.models.journey_ops import PlanWaitResult
from herald.models.journey_steps import AttributeDate, WaitStep
from herald.models.zones import zone_of

WEEKDAYS = ("MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN")


def participant_zone(endpoint: Endpoint, default: str) -> tuple[tzinfo, str]:
    """The endpoint's own timezone when it has a valid one, else the journey's (an IANA name
    or a fixed offset such as UTC+05:30)."""
    for name in (endpoint.demographic.timezone, default):
        if name and (zone := zone_of(name)) is not None:
            return zone, name
    return UTC, "UTC"


def next_local_time(now: datetime, at: time, zone: tzinfo, weekdays: list[str]) -> datetime:
    """The first `at` in `zone` at or after `now`, on one of `weekdays` (any when empty)."""
    local_now = now.astimezone(zone)
    for days in range(0, 8):
        day = local_now.date() + timedelta(days=days)
        if weekdays and WEEKDAYS[day.weekday()] not in weekdays:
            continue
        candidate = _local(day, at, zone)
        if candidate >= now:
            return candidate
    raise AssertionError("a week always holds an allowed weekday")


def _local(day: date, at: time, zone: tzinfo) -> datetime:
    # A local time skipped by a DST jump resolves to the same wall-clock offset as before
    # the jump (fold=0), i.e. one hour later in real time: the message goes out, not lost.
    return datetime.combine(day, at, tzinfo=zone).astimezone(UTC)


def attribute_date(
    endpoint: Endpoint, spec: AttributeDate, zone: tzinfo
) -> tuple[datetime | None, str]:
    values = (
        endpoint.attributes
        if spec.scope == "endpoint"
        else (endpoint.user.user_attributes if endpoint.user else {})
    ).get(spec.name, [])
    if not values:
        return None, f"{spec.scope} attribute {spec.name!r} is missing; not waiting"
    raw = values[0]
    try:
        parsed = datetime.fromisoformat(raw)
    except ValueError:
        return None, f"{spec.name!r} value {raw!r} is not an ISO date; not waiting"
    described = f"{spec.name} {raw} {_signed(spec.offset)}"
    try:
        local = parsed.replace(tzinfo=zone) if parsed.tzinfo is None else parsed.astimezone(zone)
        # On the participant's wall clock (aware datetimes add so): three days before a
        # renewal is that calendar day at the same local time, even with a clock change.
        until = (local + spec.offset).astimezone(UTC)
    except OverflowError:
        # Outside what a datetime holds (years 1 to 9999). Before it, e.g. .NET's "no date"
        # 0001-01-01 minus an offset or moved to UTC from east of it, the date is long past:
        # the wait ends at once, as for any past date. Beyond it (9999-12-31 plus an offset)
        # is no instant Herald can wait for: treated as a value that is not a date is, the
        # participant goes on at once and the note says why.
        if _before_year_1(parsed, spec.offset):
            return datetime.min.replace(tzinfo=UTC), f"{described} is before year 1: long past"
        return None, f"{described} is after year 9999; not waiting"
    return until, described


def _before_year_1(parsed: datetime, offset: timedelta) -> bool:
    """Whether a date plus `offset` that overflowed falls before the calendar, not after it:
    on which side of its middle it lands (in seconds, which cannot overflow)."""
    middle = datetime(5000, 1, 1)
    return (parsed.replace(tzinfo=None) - middle).total_seconds() + offset.total_seconds() < 0


def _signed(offset: timedelta) -> str:
    return f"- {-offset}" if offset < timedelta(0) else f"+ {offset}"


def plan_wait(endpoint: Endpoint, step: WaitStep, now: datetime, default_tz: str) -> PlanWaitResult:
    zone, zone_name = participant_zone(endpoint, default_tz)
    if step.local_time is not None:
        until = next_local_time(now, step.local_time, zone, list(step.weekdays))
        return PlanWaitResult(until=until, timezone=zone_name, note=f"local {step.local_time}")
    assert step.attribute_date is not None, "plain durations and times never reach here"
    found, note = attribute_date(endpoint, step.attribute_date, zone)
    until = max(found, now) if found else now
    return PlanWaitResult(until=until, timezone=zone_name, note=note)
