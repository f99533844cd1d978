"""Where each field of a translated journey came from in the Pinpoint request.

Herald's models check the translated journey; a person fixes the Pinpoint file, so each
problem they find is said at Pinpoint's JSON path (`$.Activities.one.Wait.WaitTime.WaitFor`)
instead of Herald's (`steps.one.duration`). A field without a Pinpoint path of its own is
said at its nearest part that has one, with the Herald path as well.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from pydantic import ValidationError

from herald.models.journey_graph import GRAPH_ERROR, document_graph_problems
from herald.models.journey_steps import STEP_TYPES
from herald.pinpoint.journey_timing import DAYS

Loc = tuple[str, ...]
# Herald path -> Pinpoint path for what is not a step. "*" stands for one part, carried
# over as it is; "@" for a Herald weekday, which becomes Pinpoint's day name (MON -> MONDAY).
SETTINGS = {
    "name": "--name (else $.Name)",
    "start": "$.StartActivity",
    "steps": "$.Activities",
    "state": "$.State",
    "settings.entry": "$.StartCondition",
    "settings.entry.segment": "$.StartCondition.SegmentStartCondition",
    "settings.entry.segment.segment": "$.StartCondition.SegmentStartCondition.SegmentId",
    "settings.entry.segment.refresh": "$.RefreshFrequency",
    "settings.entry.event": "$.StartCondition.EventStartCondition",
    "settings.entry.event.event_type": (
        "$.StartCondition.EventStartCondition.EventFilter.Dimensions.EventType"
    ),
    "settings.entry.event.attributes.*": (
        "$.StartCondition.EventStartCondition.EventFilter.Dimensions.Attributes.*"
    ),
    "settings.entry.event.segment": "$.StartCondition.EventStartCondition.SegmentId",
    "settings.schedule": "$.Schedule",
    "settings.schedule.start": "$.Schedule.StartTime",
    "settings.schedule.end": "$.Schedule.EndTime",
    "settings.schedule.timezone": "$.Schedule.Timezone",
    "settings.limits": "$.Limits",
    "settings.limits.daily_cap": "$.Limits.DailyCap",
    "settings.limits.total_cap": "$.Limits.TotalCap",
    "settings.limits.messages_per_second": "$.Limits.MessagesPerSecond",
    "settings.limits.timeframe_cap": "$.Limits.TimeframeCap",
    "settings.limits.timeframe_cap.count": "$.Limits.TimeframeCap.Cap",
    "settings.limits.timeframe_cap.window": "$.Limits.TimeframeCap.Days",
    "settings.re_entry": "$.Limits",
    "settings.re_entry.max_entries": "$.Limits.EndpointReentryCap",
    "settings.re_entry.min_interval": "$.Limits.EndpointReentryInterval",
    "settings.quiet_time": "$.QuietTime",
    "settings.quiet_time.start": "$.QuietTime.Start",
    "settings.quiet_time.end": "$.QuietTime.End",
    "settings.open_hours": "$.OpenHours",
    "settings.open_hours.channels.*": "$.OpenHours.*",
    "settings.open_hours.channels.*.@": "$.OpenHours.*.@",
    "settings.open_hours.channels.*.@.*": "$.OpenHours.*.@.*",
    "settings.open_hours.channels.*.@.*.start": "$.OpenHours.*.@.*.StartTime",
    "settings.open_hours.channels.*.@.*.end": "$.OpenHours.*.@.*.EndTime",
    "settings.closed_days": "$.ClosedDays",
    "settings.closed_days.*": "$.ClosedDays.*",
    "settings.closed_days.*.*": "$.ClosedDays.*.*",
    "settings.closed_days.*.*.name": "$.ClosedDays.*.*.Name",
    "settings.closed_days.*.*.start": "$.ClosedDays.*.*.StartDateTime",
    "settings.closed_days.*.*.end": "$.ClosedDays.*.*.EndDateTime",
}
_PATTERNS = [(tuple(herald.split(".")), pinpoint) for herald, pinpoint in SETTINGS.items()]
_PINPOINT_DAYS = {short: day for day, short in DAYS.items()}
# pydantic's error types for text that is not a duration, time or date, as what is allowed.
_WRITTEN_AS = {
    "time_delta_parsing": "an ISO 8601 duration such as PT10M, PT1H or P3D",
    "time_parsing": "a time of day as HH:MM, e.g. 22:00",
    "datetime_from_date_parsing": "an ISO 8601 date-time, e.g. 2030-12-25T09:00:00Z",
    "datetime_parsing": "an ISO 8601 date-time, e.g. 2030-12-25T09:00:00Z",
}
# The `kind` tags of herald.models.conditions.Condition.
_CONDITION_KINDS = {"attribute", "metric", "segment", "event", "engagement"}


class JourneyPaths:
    """Herald paths of one translated journey -> the Pinpoint JSON paths they came from."""

    def __init__(self) -> None:
        self._steps: dict[Loc, str] = {}

    def add_step(self, step_id: str, fields: Mapping[str, str]) -> None:
        """`fields`: a step's Herald fields (`branches.0.next`; "" the step itself) -> paths."""
        for field, pinpoint in fields.items():
            self._steps[("steps", step_id, *filter(None, field.split(".")))] = pinpoint

    def said(self, loc: Loc, message: str) -> str:
        """`message` about Herald's `loc`, led by the Pinpoint path it is about."""
        herald = ".".join(loc)
        for n in range(len(loc), 0, -1):
            pinpoint = self._pinpoint(loc[:n])
            if pinpoint is not None and n == len(loc):
                return f"{pinpoint}: {message}"
            if pinpoint is not None:
                return f"{pinpoint} (as Herald {herald}): {message}"
        return f"$ (as Herald {herald or 'journey'}): {message}"

    def explain(self, exc: ValidationError, journey: dict[str, Any], complete: bool) -> list[str]:
        """The problems of a translated journey that failed Herald's checks, at Pinpoint's
        paths. `complete`: every activity is among the steps; if not, what comes of their
        absence (no steps, links to them) is left out, as their own problems say why."""
        found = []
        for error in exc.errors(include_url=False):
            loc = herald_loc(error["loc"])
            if error["type"] == GRAPH_ERROR or (loc == ("steps",) and not complete):
                continue  # the graph's are listed one a line below, as they are found
            found.append(self.said(loc, _message(error["type"], str(error["msg"]))))
        if complete:
            steps = list(journey.get("steps") or {})
            for problem in document_graph_problems(journey):
                field, _, message = problem.partition(": ")
                found.append(self.said(_graph_loc(field, steps), message))
        return found

    def _pinpoint(self, loc: Loc) -> str | None:
        if loc in self._steps:
            return self._steps[loc]
        for pattern, pinpoint in _PATTERNS:
            if (caught := _caught(pattern, loc)) is not None:
                return _fill(pinpoint, caught)
        return None


def _message(kind: str, message: str) -> str:
    """pydantic's message, with what Pinpoint's fields of that kind are written as."""
    hint = _WRITTEN_AS.get(kind)
    message = message.removeprefix("Value error, ")
    return f"{message}; expected {hint}" if hint else message


def herald_loc(loc: Sequence[int | str]) -> Loc:
    """pydantic's location of an error as the path a Herald file would have: without the
    union tags it adds (`steps.one.wait.duration`, `conditions.0.attribute.values`) or the
    `[key]` of a key that failed."""
    parts = [str(part) for part in loc]
    out: list[str] = []
    for part in parts:
        if part == "[key]":
            continue
        if len(out) == 2 and out[0] == "steps" and part in STEP_TYPES:
            continue
        if (
            len(out) >= 2
            and out[-2] == "conditions"
            and out[-1].isdigit()
            and part in _CONDITION_KINDS
        ):
            continue
        out.append(part)
    return tuple(out)


def _graph_loc(field: str, step_ids: Iterable[str]) -> Loc:
    """A graph problem's field (`steps.a.next`) as a path; step ids may hold dots."""
    head, _, rest = field.partition(".")
    if head == "steps":
        for step_id in sorted(step_ids, key=len, reverse=True):
            if rest == step_id or rest.startswith(f"{step_id}."):
                tail = rest[len(step_id) + 1 :]
                return ("steps", step_id, *filter(None, tail.split(".")))
    return tuple(field.split("."))


def _caught(pattern: Loc, loc: Loc) -> list[str] | None:
    """The parts of `loc` that `pattern`'s wildcards stand for; None when it does not match."""
    if len(pattern) != len(loc):
        return None
    pairs = list(zip(pattern, loc, strict=True))
    if any(p not in ("*", "@", part) for p, part in pairs):
        return None
    return [_PINPOINT_DAYS.get(part, part) if p == "@" else part for p, part in pairs if p in "*@"]


def _fill(pattern: str, parts: list[str]) -> str:
    found = iter(parts)
    return re.sub(r"[*@]", lambda _: next(found), pattern)
