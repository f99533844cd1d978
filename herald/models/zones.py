"""Timezone names a journey accepts: IANA names (Europe/Paris) and fixed UTC offsets.

Fixed offsets are written as Pinpoint writes them (`UTC`, `UTC+01`, `UTC-08`, `UTC+05:30`)
so an imported journey keeps the value it had. IANA has no zone for most half- and
quarter-hour offsets (`Etc/GMT-1` exists, `Etc/GMT-5:30` does not), and a city zone such as
America/St_Johns (UTC-03:30) moves with daylight saving time, which a fixed offset does not.
"""

from __future__ import annotations

import re
from datetime import timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

FIXED_OFFSET = re.compile(r"^UTC(?:([+-])(\d{2})(?::(\d{2}))?)?$")
EXAMPLES = (
    "an IANA name such as Europe/Paris, or a UTC offset such as UTC, UTC+01, UTC-08, UTC+05:30"
)
LONGEST = timedelta(hours=14)


def zone_of(name: str) -> tzinfo | None:
    """The zone `name` names, or None when it names none."""
    if match := FIXED_OFFSET.match(name):
        sign, hours, minutes = match.groups()
        if sign is None:
            return ZoneInfo("UTC")
        if int(minutes or 0) > 59:
            return None
        offset = timedelta(hours=int(hours), minutes=int(minutes or 0))
        if offset > LONGEST:
            return None
        return timezone(-offset if sign == "-" else offset, name)
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return None


def known_timezone(value: str) -> str:
    """A pydantic validator: `value` unchanged when it names a zone."""
    if zone_of(value) is None:
        raise ValueError(f"unknown timezone {value!r}; use {EXAMPLES}")
    return value


def temporal_zone(name: str) -> str | None:
    """The IANA name a Temporal Schedule can fire in for the zone `name`: itself, or for a
    whole-hour offset its Etc zone (POSIX signs: UTC+05 is Etc/GMT-5). None for an offset
    with minutes, which no IANA zone keeps all year: such a schedule is written in UTC,
    exact for a fixed offset (the same wall time is always the same UTC time)."""
    match = FIXED_OFFSET.match(name)
    if match is None:
        return name
    sign, hours, minutes = match.groups()
    if sign is None or (int(hours) == 0 and int(minutes or 0) == 0):
        return "UTC"
    if int(minutes or 0):
        return None
    return f"Etc/GMT{'-' if sign == '+' else '+'}{int(hours)}"
