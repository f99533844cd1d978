"""A Pinpoint journey's start condition, limits and re-entry; the timing is journey_timing.py.

Pinpoint's 0 means "no limit" for DailyCap, TotalCap, MessagesPerSecond and TimeframeCap,
and "unlimited re-entry" for EndpointReentryCap; Herald writes those as an unset limit.
"""

from __future__ import annotations

from typing import Any

from herald.pinpoint import journey_timing as timing
from herald.pinpoint.journey_parts import event_filter, get, resource_name


def settings(document: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {"entry": _entry(document)}
    if schedule := timing.schedule(document):
        out["schedule"] = schedule
    limits = get(document, "Limits", "$") or {}
    out["limits"] = _limits(limits)
    if re_entry := _re_entry(limits):
        out["re_entry"] = re_entry
    if quiet := timing.quiet_time(document):
        out["quiet_time"] = quiet
    if hours := timing.open_hours(document):
        out["open_hours"] = hours
    if closed := timing.closed_days(document):
        out["closed_days"] = closed
    return out


def _entry(document: dict[str, Any]) -> dict[str, Any]:
    start = get(document, "StartCondition", "$") or {}
    path = "$.StartCondition"
    if segment := get(start, "SegmentStartCondition", path):
        here = f"{path}.SegmentStartCondition.SegmentId"
        entry: dict[str, Any] = {"segment": resource_name(segment.get("SegmentId") or "", here)}
        if refresh := document.get("RefreshFrequency"):
            entry["refresh"] = refresh
        return {"segment": entry}
    if event := get(start, "EventStartCondition", path):
        here = f"{path}.EventStartCondition"
        dims = get(get(event, "EventFilter", here) or {}, "Dimensions", f"{here}.EventFilter")
        event_type, attributes = event_filter(dims or {}, f"{here}.EventFilter.Dimensions")
        rule: dict[str, Any] = {"event_type": event_type, "attributes": attributes}
        if event.get("SegmentId"):
            rule["segment"] = resource_name(event["SegmentId"], f"{here}.SegmentId")
        return {"event": rule}
    return {}


def _limits(limits: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {
        "daily_cap": limits.get("DailyCap") or None,
        "total_cap": limits.get("TotalCap") or None,
        "messages_per_second": limits.get("MessagesPerSecond") or None,
    }
    cap = get(limits, "TimeframeCap", "$.Limits") or {}
    if cap.get("Cap") and cap.get("Days"):  # 0 in either: Pinpoint applies no cap
        out["timeframe_cap"] = {"count": cap["Cap"], "window": f"P{cap['Days']}D"}
    return out


def _re_entry(limits: dict[str, Any]) -> dict[str, Any] | None:
    cap, interval = limits.get("EndpointReentryCap"), limits.get("EndpointReentryInterval")
    if cap is None and not interval:
        return None  # Pinpoint's default: each participant enters once
    return {"allowed": True, "max_entries": cap or None, "min_interval": interval or None}
