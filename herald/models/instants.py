"""Reading attribute values as points in time, the way date dimensions compare them.

Attribute values are strings. A value that reads as ISO 8601 is also an instant: a date
(`2024-01-31`) is its midnight UTC, a time without an offset is UTC. The store keeps that
instant beside the value, so `before` / `after` / `on` / `between` compare instants in SQL.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

ONE_MICROSECOND = timedelta(microseconds=1)


def parse_instant(value: str) -> datetime | None:
    """The instant a value names, in UTC, or None when it is not ISO 8601."""
    text = value.strip()
    if len(text) < 10 or not text[:4].isdigit():
        return None
    try:
        if len(text) == 10:
            day = date.fromisoformat(text)
            return datetime.combine(day, time(), tzinfo=UTC)
        parsed = datetime.fromisoformat(text)
        return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)
    except (ValueError, OverflowError):
        return None


def is_date_only(value: str) -> bool:
    return len(value.strip()) == 10


def bounds(value: str) -> tuple[datetime, datetime]:
    """The first and last instant a query value covers: a whole UTC day for a date, else one
    instant. Raises ValueError when the value is not ISO 8601."""
    start = parse_instant(value)
    if start is None or start.year in (1, 9999):
        raise ValueError(
            f"{value!r} is not a date; use ISO 8601, e.g. 2024-01-31 or 2024-01-31T12:00:00Z"
        )
    if is_date_only(value):
        return start, start + timedelta(days=1) - ONE_MICROSECOND
    return start, start


def day_bounds(value: str) -> tuple[datetime, datetime]:
    """The UTC day a query value falls on (Pinpoint's ON ignores the time)."""
    start, _ = bounds(value)
    midnight = datetime.combine(start.date(), time(), tzinfo=UTC)
    return midnight, midnight + timedelta(days=1) - ONE_MICROSECOND
