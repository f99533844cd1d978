"""Checking a five-field cron expression (minute hour day-of-month month day-of-week) as
Temporal Schedules read it, so a bad one is refused at apply and not when a run is due."""

from __future__ import annotations

import re

_MONTHS = ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")
_DAYS = ("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT")
_FIELDS: tuple[tuple[str, int, int, dict[str, int]], ...] = (
    ("minute", 0, 59, {}),
    ("hour", 0, 23, {}),
    ("day of month", 1, 31, {}),
    ("month", 1, 12, {m: i + 1 for i, m in enumerate(_MONTHS)}),
    ("day of week", 0, 7, {d: i for i, d in enumerate(_DAYS)}),
)
_MACROS = {"@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly"}
_ITEM = re.compile(r"^(\*|[A-Z0-9]+(?:-[A-Z0-9]+)?)(?:/(\d+))?$")


def cron_problem(expression: str) -> str | None:
    """None when `expression` parses; else what is wrong, naming the part."""
    text = expression.strip()
    if text.lower() in _MACROS:
        return None
    parts = text.split()
    if len(parts) != len(_FIELDS):
        return (
            f"cron {expression!r}: expected 5 fields (minute hour day-of-month month "
            f"day-of-week) or one of {', '.join(sorted(_MACROS))}; got {len(parts)}"
        )
    for part, (name, low, high, names) in zip(parts, _FIELDS, strict=True):
        for item in part.upper().split(","):
            if problem := _item_problem(item, low, high, names):
                return f"cron {expression!r}: {name} {part!r}: {problem}"
    return None


def _item_problem(item: str, low: int, high: int, names: dict[str, int]) -> str | None:
    match = _ITEM.match(item)
    if not match:
        return f"{item!r} is not *, a value, a range a-b, or either with /step"
    span, step = match.group(1), match.group(2)
    if step is not None and int(step) < 1:
        return "a step must be 1 or more"
    if span == "*":
        return None
    for value in span.split("-"):
        number = names.get(value) if value in names else (int(value) if value.isdigit() else None)
        if number is None or not low <= number <= high:
            return f"{value!r} is outside {low}-{high}"
    return None
