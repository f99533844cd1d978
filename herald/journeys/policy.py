"""A journey's sending rules at send time: caps, quiet time, open hours, closed days.

Times are the participant's local times (its endpoint's timezone, else the journey's). A
message that may not go now is skipped or deferred to when it may, as the journey says.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import cast

from pydantic import TypeAdapter
from sqlalchemy import ColumnElement, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from herald.journeys.waits import WEEKDAYS, participant_zone
from herald.models import Endpoint, MessageChannel, MessageStatus
from herald.models.journey_settings import Window
from herald.models.journey_steps import Weekday
from herald.models.send import SendPolicy
from herald.store.tables import EndpointRow, MessageRow


@dataclass(frozen=True)
class Decision:
    """Send now (neither set), skip with a reason, or defer until a time."""

    skip: str | None = None
    defer_until: datetime | None = None
    reason: str = ""


SEND_NOW = Decision()
_DURATION = TypeAdapter(timedelta)


@dataclass(frozen=True)
class UserSend:
    """A user participant's send, being made to one of its endpoints: caps count the user's
    sends across its endpoints, once per send however many endpoints it went to (as Braze
    counts a message to a user once, on however many devices)."""

    user_id: str
    key: str  # the send's own key; its endpoints' keys are this plus `:endpoint_id`


async def decide(
    session: AsyncSession,
    policy: SendPolicy,
    endpoint: Endpoint,
    journey: str,
    channel: str,
    now: datetime,
    user_send: UserSend | None = None,
) -> Decision:
    """`user_send`: set when the participant is a user (caps are the user's)."""
    counter = _Sends(session, endpoint.id, journey, now, user_send)
    capped = await _cap_reached(policy, counter)
    if capped:
        return Decision(skip=capped)
    zone, _ = participant_zone(endpoint, policy.default_timezone)
    local = now.astimezone(zone)
    wait = policy.quiet_time is None or policy.quiet_time.mode == "wait"
    for reason, until in _blocked(policy, channel, local):
        if not wait:
            return Decision(skip=reason)
        return Decision(defer_until=until, reason=reason)
    return SEND_NOW


async def _cap_reached(policy: SendPolicy, sends: _Sends) -> str | None:
    limits = policy.limits
    windows: list[tuple[int | None, timedelta | None, str]] = [
        (limits.total_cap, None, "total cap"),
        (limits.daily_cap, timedelta(days=1), "daily cap"),
    ]
    if limits.timeframe_cap:
        frame = limits.timeframe_cap
        # Named as the journey file writes it (P7D), not as Python prints it (7 days, 0:00:00).
        window = _DURATION.dump_python(frame.window, mode="json")
        windows.append((frame.count, frame.window, f"timeframe cap of {frame.count} per {window}"))
    for cap, window, name in windows:
        if cap is not None and await sends.count(window) >= cap:
            return f"{name} reached ({cap} message(s))"
    return None


@dataclass(frozen=True)
class _Sends:
    """The participant's sends in one journey so far (SENT, counted by when they went)."""

    session: AsyncSession
    endpoint_id: str
    journey: str
    now: datetime
    user_send: UserSend | None

    async def count(self, window: timedelta | None) -> int:
        if self.user_send is not None:
            return await self._user_sends(self.user_send, window)
        query = (
            select(func.count())
            .select_from(MessageRow)
            .where(MessageRow.endpoint_id == self.endpoint_id, *self._sent(window))
        )
        return int((await self.session.execute(query)).scalar_one())

    async def _user_sends(self, user: UserSend, window: timedelta | None) -> int:
        """Distinct sends: a row's key is its send's key plus `:endpoint_id`. This send's own
        messages to the user's other endpoints do not count against it."""
        endpoints = select(EndpointRow.id).where(EndpointRow.user_id == user.user_id)
        rows = await self.session.execute(
            select(MessageRow.idempotency_key, MessageRow.endpoint_id).where(
                MessageRow.endpoint_id.in_(endpoints), *self._sent(window)
            )
        )
        sends = {key[: -len(endpoint_id) - 1] for key, endpoint_id in rows.all()}
        return len(sends - {user.key})

    def _sent(self, window: timedelta | None) -> list[ColumnElement[bool]]:
        conditions = [
            MessageRow.journey == self.journey,
            MessageRow.status == MessageStatus.SENT.value,
        ]
        if window is not None:
            conditions.append(MessageRow.created_at > self.now - window)
        return conditions


def _blocked(policy: SendPolicy, channel: str, local: datetime) -> list[tuple[str, datetime]]:
    """Why sending is blocked at `local`, and until when; empty when it is not."""
    blocked = []
    for day in policy.closed_days:
        start, end = _aware(day.start, local), _aware(day.end, local)
        if start <= local < end:
            blocked.append((f"closed day {day.name or start.date()}", end))
    quiet = policy.quiet_time
    if quiet and _within(local.time(), quiet.start, quiet.end):
        blocked.append((f"quiet time {quiet.start}-{quiet.end}", _next(local, quiet.end)))
    hours = policy.open_hours.channels.get(MessageChannel(channel)) if policy.open_hours else None
    if hours:
        opens = _next_open(local, hours)
        if opens != local:
            blocked.append(("outside open hours", opens))
    return blocked


def _within(at: time, start: time, end: time) -> bool:
    """[start, end) on a clock face; a window may wrap past midnight (22:00-07:00)."""
    return start <= at < end if start <= end else at >= start or at < end


def _next(local: datetime, at: time) -> datetime:
    """The first instant after `local` at which the participant's clock reads `at`."""
    for days in range(3):
        found = _first_after(local.date() + timedelta(days=days), at, local)
        if found is not None:
            return found
    raise AssertionError(f"no {at} on the clock within two days of {local}")


def _first_after(day: date, at: time, local: datetime) -> datetime | None:
    """The first instant of `day` whose wall time is `at` and that comes after `local`, or
    None. Compared in UTC: two times of one zone compare by their wall times alone, so in the
    hour a fall-back repeats, 01:30 of the first pass would pass for being after 01:15 of the
    second, and a message would be held until a time already gone. That hour's second pass
    (fold 1) is an instant of its own."""
    after = local.astimezone(UTC)
    for fold in (0, 1):
        candidate = datetime.combine(day, at, tzinfo=local.tzinfo).replace(fold=fold)
        if candidate.astimezone(UTC) > after:
            return candidate
    return None


def _aware(value: datetime, local: datetime) -> datetime:
    """A closed day written without an offset is in the participant's local time."""
    return value if value.tzinfo else value.replace(tzinfo=local.tzinfo)


def _next_open(local: datetime, hours: Mapping[Weekday, list[Window]]) -> datetime:
    """`local` itself if a window is open now (by the participant's clock), else the start
    of the next window."""
    for days in range(8):
        day = local.date() + timedelta(days=days)
        weekday = cast(Weekday, WEEKDAYS[day.weekday()])
        for window in sorted(hours.get(weekday, []), key=lambda w: w.start):
            if days == 0 and window.start <= local.time() < window.end:
                return local
            start = _first_after(day, window.start, local)
            if start is not None:
                return start
    return local  # no windows at all: never blocked
