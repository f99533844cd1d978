"""A Pinpoint journey's start condition, schedule, limits, quiet time, open hours, closed days."""

from __future__ import annotations

from typing import Any

from herald.pinpoint.journey_parts import get, resource_name
from herald.pinpoint.registry import PinpointImportError

DAYS = {
    "MONDAY": "MON",
    "TUESDAY": "TUE",
    "WEDNESDAY": "WED",
    "THURSDAY": "THU",
    "FRIDAY": "FRI",
    "SATURDAY": "SAT",
    "SUNDAY": "SUN",
}


def settings(document: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {"entry": _entry(document)}
    if schedule := get(document, "Schedule", "$"):
        out["schedule"] = {
            "start": schedule.get("StartTime"),
            "end": schedule.get("EndTime"),
            "timezone": schedule.get("Timezone") or "UTC",
        }
    limits = get(document, "Limits", "$") or {}
    out["limits"] = _limits(limits)
    if limits.get("EndpointReentryCap") or limits.get("EndpointReentryInterval"):
        out["re_entry"] = {
            "allowed": True,
            "max_entries": limits.get("EndpointReentryCap"),
            "min_interval": limits.get("EndpointReentryInterval"),
        }
    if quiet := get(document, "QuietTime", "$"):
        mode = "wait" if document.get("WaitForQuietTime") else "skip"
        out["quiet_time"] = {"start": quiet.get("Start"), "end": quiet.get("End"), "mode": mode}
    if hours := get(document, "OpenHours", "$"):
        out["open_hours"] = {"channels": _open_hours(hours)}
    if closed := get(document, "ClosedDays", "$"):
        out["closed_days"] = {
            channel: [
                {
                    "name": r.get("Name", ""),
                    "start": r.get("StartDateTime"),
                    "end": r.get("EndDateTime"),
                }
                for r in rules
            ]
            for channel, rules in closed.items()
        }
    return out


def _entry(document: dict[str, Any]) -> dict[str, Any]:
    start = get(document, "StartCondition", "$") or {}
    if segment := get(start, "SegmentStartCondition", "$.StartCondition"):
        segment_id = segment.get("SegmentId") or ""
        entry: dict[str, Any] = {"segment": resource_name(segment_id, "$.StartCondition")}
        if refresh := document.get("RefreshFrequency"):
            entry["refresh"] = refresh
        return {"segment": entry}
    if event := get(start, "EventStartCondition", "$.StartCondition"):
        path = "$.StartCondition.EventStartCondition.EventFilter.Dimensions"
        dims = ((event.get("EventFilter") or {}).get("Dimensions")) or {}
        types = (dims.get("EventType") or {}).get("Values") or []
        if len(types) != 1:
            raise PinpointImportError(f"{path}.EventType.Values: exactly one event type translates")
        rule: dict[str, Any] = {"event_type": types[0]}
        attributes = dims.get("Attributes") or {}
        rule["attributes"] = {k: (v.get("Values") or [""])[0] for k, v in attributes.items()}
        if event.get("SegmentId"):
            rule["segment"] = resource_name(
                event["SegmentId"], "$.StartCondition.EventStartCondition"
            )
        return {"event": rule}
    return {}


def _limits(limits: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {
        "daily_cap": limits.get("DailyCap") or None,
        "total_cap": limits.get("TotalCap") or None,
        "messages_per_second": limits.get("MessagesPerSecond") or None,
    }
    if cap := limits.get("TimeframeCap"):
        out["timeframe_cap"] = {"count": cap.get("Cap"), "window": f"P{cap.get('Days')}D"}
    return out


def _open_hours(hours: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for channel, days in hours.items():
        out[channel] = {}
        for day, rules in days.items():
            if day not in DAYS:
                raise PinpointImportError(f"$.OpenHours.{channel}.{day}: allowed {', '.join(DAYS)}")
            out[channel][DAYS[day]] = [
                {"start": r["StartTime"], "end": r["EndTime"]} for r in rules
            ]
    return out
