"""Checks on a journey's step graph; every problem is reported, each with its step id and field.

The checks run on the steps that parsed: a step with a problem in its own fields (a channel
that does not exist, percentages that do not sum to 100) still counts as a step with the
links it names, so one apply lists the graph's problems alongside it instead of one at a time.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pydantic import TypeAdapter, ValidationError

from herald.models.conditions import EngagementCondition
from herald.models.journey_steps import (
    STEP_TYPES,
    WAITING_TYPES,
    MultiSplitStep,
    SendStep,
    SplitStep,
    Step,
    WaitForReplyStep,
)

# The error type of a journey's graph problems, so a definition file lists them one a line.
GRAPH_ERROR = "journey_graph"
# Every field a step links through; read from a step that did not parse, to follow its links.
_LINK_FIELDS = ("next", "on_event", "on_other_reply", "on_timeout", "yes", "no", "else_next")
_STEP: TypeAdapter[Step] = TypeAdapter(Step)


@dataclass(frozen=True)
class _Node:
    type: str | None
    links: list[tuple[str, str]]
    step: Step | None  # None: the step did not parse; its own problems are reported apart

    def targets(self) -> list[str]:
        return [target for _, target in self.links]


def graph_problems(start: str, steps: Mapping[str, Step]) -> list[str]:
    return _problems(start, {s: _Node(step.type, step.links(), step) for s, step in steps.items()})


def document_graph_problems(document: Mapping[str, Any]) -> list[str]:
    """The graph checks of a journey document that failed validation, on what it names."""
    start, steps = document.get("start"), document.get("steps")
    if not isinstance(start, str) or not isinstance(steps, dict) or not steps:
        return []  # reported on `start` / `steps` by the field checks
    return _problems(start, {str(step_id): _node(body) for step_id, body in steps.items()})


def parsed_step(body: Any) -> Step | None:
    """A step of a journey document on its own; None when its fields do not parse (the field
    checks report those)."""
    try:
        return _STEP.validate_python(body)
    except ValidationError:
        return None


def _node(body: Any) -> _Node:
    step = parsed_step(body)
    if step is None:
        kind = body.get("type") if isinstance(body, dict) else None
        return _Node(kind if kind in STEP_TYPES else None, _raw_links(body), None)
    return _Node(step.type, step.links(), step)


def _raw_links(body: Any) -> list[tuple[str, str]]:
    if not isinstance(body, dict):
        return []
    branches = body.get("branches")
    found = [
        (f"branches.{i}.next", branch.get("next"))
        for i, branch in enumerate(branches if isinstance(branches, list) else [])
        if isinstance(branch, dict)
    ]
    found += [(field, body.get(field)) for field in _LINK_FIELDS]
    return [(field, target) for field, target in found if isinstance(target, str) and target]


def _problems(start: str, nodes: Mapping[str, _Node]) -> list[str]:
    known = sorted(nodes)
    problems = [] if start in nodes else [f"start: {start!r} is not a step; steps are {known}"]
    problems += [
        f"steps.{step_id}.{field}: {target!r} is not a step; steps are {known}"
        for step_id, node in nodes.items()
        for field, target in node.links
        if target not in nodes
    ]
    if start not in nodes:  # reachable and "earlier" are measured from the start
        return problems + _loops_without_wait(nodes)
    reachable = _reachable(start, nodes)
    problems += [
        f"steps.{s}: unreachable from start {start!r}" for s in known if s not in reachable
    ]
    return problems + _loops_without_wait(nodes) + _references(start, nodes)


def _reachable(start: str, nodes: Mapping[str, _Node]) -> set[str]:
    seen, todo = set(), [start]
    while todo:
        step_id = todo.pop()
        if step_id in nodes and step_id not in seen:
            seen.add(step_id)
            todo += nodes[step_id].targets()
    return seen


def _loops_without_wait(nodes: Mapping[str, _Node]) -> list[str]:
    """A loop is allowed only through a waiting step; one without spins forever. A step whose
    type is unknown is not counted as instant, so it never makes a loop."""
    instant = {s for s, n in nodes.items() if n.type is not None and n.type not in WAITING_TYPES}
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
        for target in nodes[step_id].targets():
            visit(target, [*path, step_id])
        state[step_id] = 2

    for step_id in sorted(instant):
        visit(step_id, [])
    return found


def _before(start: str, nodes: Mapping[str, _Node], target: str) -> set[str]:
    """Steps on some path from start to `target` (excluding it)."""
    reach_target = {s for s in nodes if target in _reachable(s, nodes) and s != target}
    return reach_target & _reachable(start, nodes)


def _references(start: str, nodes: Mapping[str, _Node]) -> list[str]:
    problems = []
    for step_id, node in nodes.items():
        if node.step is None:
            continue
        earlier = _before(start, nodes, step_id)
        sends = sorted(s for s in earlier if nodes[s].type == "send")
        for field, ref in _send_refs(node.step):
            ref_node = nodes.get(ref)
            ref_step = ref_node.step if ref_node else None
            if ref not in sends:
                problems.append(
                    f"steps.{step_id}.{field}: {ref!r} must be an earlier send step; "
                    f"earlier send steps are {sends}"
                )
            elif (
                isinstance(node.step, WaitForReplyStep)
                and isinstance(ref_step, SendStep)
                and ref_step.channel.value not in ("SMS", "EMAIL")
            ):
                problems.append(
                    f"steps.{step_id}.{field}: replies come to SMS or EMAIL steps; "
                    f"{ref!r} sends {ref_step.channel.value}"
                )
    return problems


def _send_refs(step: Step) -> list[tuple[str, str]]:
    """(field path, step id) for every earlier send step this one refers to."""
    if isinstance(step, WaitForReplyStep):
        return [("after_step", step.after_step)]
    groups: list[tuple[str, list[Any]]] = []
    if isinstance(step, SplitStep):
        groups = [("conditions", step.conditions)]
    elif isinstance(step, MultiSplitStep):
        groups = [(f"branches.{b}.conditions", br.conditions) for b, br in enumerate(step.branches)]
    return [
        (f"{where}.{i}.step", c.step)
        for where, conditions in groups
        for i, c in enumerate(conditions)
        if isinstance(c, EngagementCondition)
    ]
