"""When a Pinpoint journey may send: its Schedule, QuietTime, OpenHours and ClosedDays.

`Schedule.Timezone` is kept as Pinpoint wrote it (`UTC+05:30`): Herald journeys take fixed
UTC offsets as well as IANA names (herald/models/zones.py says why an IANA zone cannot
stand in for every one of them). A StartTime or EndTime without an offset is read in it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from herald.models.zones import zone_of
from herald.pinpoint.journey_parts import get
from herald.pinpoint.registry import PinpointImportError

# JourneySchedule.Timezone's valid values, as botocore's pinpoint model documents them.
TIMEZONES = (
    "UTC", "UTC+01", "UTC+02", "UTC+03", "UTC+03:30", "UTC+04", "UTC+04:30", "UTC+05",
    "UTC+05:30", "UTC+05:45", "UTC+06", "UTC+06:30", "UTC+07", "UTC+08", "UTC+08:45",
    "UTC+09", "UTC+09:30", "UTC+10", "UTC+10:30", "UTC+11", "UTC+12", "UTC+12:45", "UTC+13",
    "UTC+13:45", "UTC-02", "UTC-02:30", "UTC-03", "UTC-03:30", "UTC-04", "UTC-05", "UTC-06",
    "UTC-07", "UTC-08", "UTC-09", "UTC-09:30", "UTC-10", "UTC-11",
)  # fmt: skip
DAYS = {
    "MONDAY": "MON",
    "TUESDAY": "TUE",
    "WEDNESDAY": "WED",
    "THURSDAY": "THU",
    "FRIDAY": "FRI",
    "SATURDAY": "SAT",
    "SUNDAY": "SUN",
}
CHANNELS = ("EMAIL", "SMS", "PUSH", "VOICE", "CUSTOM")


def schedule(document: dict[str, Any]) -> dict[str, Any] | None:
    node = get(document, "Schedule", "$")
    if not node:
        return None
    timezone = get(node, "Timezone", "$.Schedule", str) or "UTC"
    if timezone not in TIMEZONES and zone_of(timezone) is None:  # an IANA name also does
        raise PinpointImportError(
            f"$.Schedule.Timezone: {timezone!r} is not a timezone; allowed: "
            + ", ".join(TIMEZONES)
            + " (Pinpoint's), or an IANA name such as Europe/Paris"
        )
    if document.get("LocalTime") and (node.get("StartTime") or node.get("EndTime")):
        raise PinpointImportError(
            "$.LocalTime: true (start and end in each participant's own time) does not "
            "translate: a Herald journey starts and ends at one instant; set it to false to "
            "start and end in Schedule.Timezone"
        )
    return {
        "start": instant(node, "StartTime", timezone, "$.Schedule"),
        "end": instant(node, "EndTime", timezone, "$.Schedule"),
        "timezone": timezone,
    }


def instant(node: dict[str, Any], key: str, timezone: str, path: str) -> str | None:
    """`node[key]` (at `path`), an ISO 8601 time, with its offset; one without is read in
    `timezone` (Pinpoint's or an IANA name), never in the server's own zone."""
    raw = get(node, key, path, str)
    if raw is None:
        return None
    try:
        parsed = datetime.fromisoformat(raw)
    except ValueError:
        raise PinpointImportError(
            f"{path}.{key}: {raw!r} is not ISO 8601, e.g. 2030-01-31T09:00:00Z"
        ) from None
    if parsed.tzinfo is None:  # the only reading the request offers: the schedule's zone
        parsed = parsed.replace(tzinfo=zone_of(timezone))
    return parsed.isoformat()


def quiet_time(document: dict[str, Any]) -> dict[str, Any] | None:
    quiet = get(document, "QuietTime", "$")
    if not quiet:
        return None
    # WaitForQuietTime false (or unset): Pinpoint skips the message, as Herald's "skip" does.
    mode = "wait" if document.get("WaitForQuietTime") else "skip"
    return {"start": quiet.get("Start"), "end": quiet.get("End"), "mode": mode}


def open_hours(document: dict[str, Any]) -> dict[str, Any] | None:
    hours = get(document, "OpenHours", "$")
    if not hours:
        return None
    out: dict[str, Any] = {}
    for channel, days in hours.items():
        path = f"$.OpenHours.{_channel(channel, '$.OpenHours')}"
        out[channel] = {}
        for day, rules in (days or {}).items():
            if day not in DAYS:
                raise PinpointImportError(f"{path}.{day}: allowed {', '.join(DAYS)}")
            out[channel][DAYS[day]] = [
                {
                    "start": _required(r, "StartTime", f"{path}.{day}.{i}"),
                    "end": _required(r, "EndTime", f"{path}.{day}.{i}"),
                }
                for i, r in enumerate(rules or [])
            ]
    return {"channels": out}


def closed_days(document: dict[str, Any]) -> dict[str, Any]:
    closed = get(document, "ClosedDays", "$") or {}
    out: dict[str, Any] = {}
    for channel, rules in closed.items():
        path = f"$.ClosedDays.{_channel(channel, '$.ClosedDays')}"
        out[channel] = [
            {
                "name": r.get("Name") or "",
                "start": _required(r, "StartDateTime", f"{path}.{i}"),
                "end": _required(r, "EndDateTime", f"{path}.{i}"),
            }
            for i, r in enumerate(rules or [])
        ]
    return out


def _channel(channel: str, path: str) -> str:
    if channel not in CHANNELS:
        raise PinpointImportError(f"{path}.{channel}: allowed {', '.join(CHANNELS)}")
    return channel


def _required(rule: Any, key: str, path: str) -> str:
    value = get(rule, key, path, str)
    if not value:
        raise PinpointImportError(f"{path}.{key}: required")
    return str(value)
