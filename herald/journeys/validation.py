"""Checks of a journey against the store at apply time: the segments it names exist."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from herald.models import Journey
from herald.models.conditions import Condition, SegmentCondition
from herald.models.journey_steps import MultiSplitStep, SplitStep
from herald.store.segments import get_segment


def _conditions(journey: Journey) -> list[tuple[str, Condition]]:
    found: list[tuple[str, Condition]] = []
    for step_id, step in journey.steps.items():
        if isinstance(step, SplitStep):
            found += [(f"steps.{step_id}.conditions.{i}", c) for i, c in enumerate(step.conditions)]
        elif isinstance(step, MultiSplitStep):
            for b, branch in enumerate(step.branches):
                where = f"steps.{step_id}.branches.{b}.conditions"
                found += [(f"{where}.{i}", c) for i, c in enumerate(branch.conditions)]
    return found


def segment_references(journey: Journey) -> list[tuple[str, str]]:
    """(field path, segment name) for every segment the journey names."""
    entry = journey.settings.entry
    refs = []
    if entry.segment:
        refs.append(("settings.entry.segment.segment", entry.segment.segment))
    if entry.event and entry.event.segment:
        refs.append(("settings.entry.event.segment", entry.event.segment))
    refs += [
        (f"{path}.segment", c.segment)
        for path, c in _conditions(journey)
        if isinstance(c, SegmentCondition)
    ]
    return refs


async def missing_segments(session: AsyncSession, journey: Journey) -> list[str]:
    return [
        f"Journey {journey.name!r}: {path}: segment {name!r} does not exist; "
        "apply it first or with it"
        for path, name in segment_references(journey)
        if await get_segment(session, name) is None
    ]
