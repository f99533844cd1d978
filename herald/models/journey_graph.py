"""Checks on a journey's step graph; every problem is reported, each with its step id."""

from __future__ import annotations

from collections.abc import Mapping

from herald.models.conditions import EngagementCondition
from herald.models.journey_steps import (
    WAITING_TYPES,
    MultiSplitStep,
    SendStep,
    SplitStep,
    Step,
    WaitForReplyStep,
)


def graph_problems(start: str, steps: Mapping[str, Step]) -> list[str]:
    known = sorted(steps)
    if start not in steps:
        return [f"start: {start!r} is not a step; steps are {known}"]
    problems = [
        f"steps.{step_id}.{field}: {target!r} is not a step; steps are {known}"
        for step_id, step in steps.items()
        for field, target in step.links()
        if target not in steps
    ]
    if problems:
        return problems
    reachable = _reachable(start, steps)
    problems += [
        f"steps.{s}: unreachable from start {start!r}" for s in known if s not in reachable
    ]
    problems += _loops_without_wait(steps)
    problems += _references(start, steps)
    return problems


def _reachable(start: str, steps: Mapping[str, Step]) -> set[str]:
    seen, todo = set(), [start]
    while todo:
        step_id = todo.pop()
        if step_id not in seen:
            seen.add(step_id)
            todo += steps[step_id].targets()
    return seen


def _loops_without_wait(steps: Mapping[str, Step]) -> list[str]:
    """A loop is allowed only through a waiting step; one without spins forever."""
    instant = {s for s, step in steps.items() if step.type not in WAITING_TYPES}
    state: dict[str, int] = {}
    found: list[str] = []

    def visit(step_id: str, path: list[str]) -> None:
        if state.get(step_id) == 2 or step_id not in instant:
            return
        if state.get(step_id) == 1:
            loop = " -> ".join([*path[path.index(step_id) :], step_id])
            found.append(f"steps.{step_id}: loop with no wait ({loop})")
            return
        state[step_id] = 1
        for target in steps[step_id].targets():
            visit(target, [*path, step_id])
        state[step_id] = 2

    for step_id in sorted(instant):
        visit(step_id, [])
    return found


def _before(start: str, steps: Mapping[str, Step], target: str) -> set[str]:
    """Steps on some path from start to `target` (excluding it)."""
    reach_target = {s for s in steps if target in _reachable(s, steps) and s != target}
    return reach_target & _reachable(start, steps)


def _references(start: str, steps: Mapping[str, Step]) -> list[str]:
    problems = []
    for step_id, step in steps.items():
        for ref, need in _send_refs(step):
            earlier = _before(start, steps, step_id)
            ref_step = steps.get(ref)
            if not isinstance(ref_step, SendStep) or ref not in earlier:
                problems.append(f"steps.{step_id}: {need} {ref!r} must be an earlier send step")
            elif isinstance(step, WaitForReplyStep) and ref_step.channel.value not in (
                "SMS",
                "EMAIL",
            ):
                problems.append(f"steps.{step_id}: replies come to SMS or EMAIL steps, not {ref!r}")
    return problems


def _send_refs(step: Step) -> list[tuple[str, str]]:
    if isinstance(step, WaitForReplyStep):
        return [(step.after_step, "after_step")]
    groups = []
    if isinstance(step, SplitStep):
        groups = [step.conditions]
    elif isinstance(step, MultiSplitStep):
        groups = [b.conditions for b in step.branches]
    return [
        (c.step, "engagement step")
        for conditions in groups
        for c in conditions
        if isinstance(c, EngagementCondition)
    ]
