"""A Pinpoint journey's activities as Herald steps, each with where its fields came from.

Every builder returns the step and its fields' JSON paths (journey_paths.py uses them to say
a problem Herald's models find at the Pinpoint path that caused it).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from herald.pinpoint.journey_parts import Located, get, simple_condition, wait_time
from herald.pinpoint.journey_send import SEND_TYPES, send
from herald.pinpoint.registry import PinpointImportError

MAX_BRANCHES = 5
# A step, and its Herald fields ("branches.0.next"; "" the step) -> Pinpoint JSON paths.
Built = tuple[dict[str, Any], dict[str, str]]


def activity(node: dict[str, Any], path: str) -> Built:
    kinds = [k for k in node if k != "Description"]
    if len(kinds) != 1:
        raise PinpointImportError(f"{path}: expected exactly one activity type, got {kinds}")
    kind = kinds[0]
    body = get(node, kind, path) or {}
    here = f"{path}.{kind}"
    if kind not in _STEP:
        raise PinpointImportError(f"{here}: {kind} activities have no translation")
    step, fields = _STEP[kind](body, here)
    title = node.get("Description")
    # The activity stands for the step, unless its kind has a better place (a Wait's WaitTime).
    fields = {"": path, **fields, "title": f"{path}.Description"}
    return ({**step, "title": title} if title else step), fields


def _wait(body: dict[str, Any], path: str) -> Built:
    here = f"{path}.WaitTime"
    waited = wait_time(get(body, "WaitTime", path) or {}, here)
    step = {"type": "wait", **waited, "next": body.get("NextActivity")}
    fields = {"": here, "duration": f"{here}.WaitFor", "until": f"{here}.WaitUntil"}
    return step, {**fields, "next": f"{path}.NextActivity"}


def _evaluation_wait(body: dict[str, Any], path: str) -> str | None:
    waited = get(body, "EvaluationWaitTime", path) or {}
    if waited.get("WaitUntil"):
        raise PinpointImportError(f"{path}.EvaluationWaitTime.WaitUntil: only WaitFor translates")
    wait_for = waited.get("WaitFor")
    return str(wait_for) if wait_for else None


def _split(body: dict[str, Any], path: str) -> Built:
    here = f"{path}.Condition"
    condition = get(body, "Condition", path) or {}
    groups = [
        simple_condition(s, f"{here}.Conditions.{i}")
        for i, s in enumerate(condition.get("Conditions") or [])
    ]
    match = _match(condition.get("Operator") or "ALL", groups, f"{here}.Conditions")
    conditions = [c for group in groups for c in group]
    step = {
        "type": "split",
        "match": match,
        "conditions": [c for _, c in conditions],
        "evaluation_wait": _evaluation_wait(body, path),
        "yes": body.get("TrueActivity"),
        "no": body.get("FalseActivity"),
    }
    fields = {
        "match": f"{here}.Operator",
        "conditions": f"{here}.Conditions",
        **{f"conditions.{i}": origin for i, (origin, _) in enumerate(conditions)},
        "evaluation_wait": f"{path}.EvaluationWaitTime.WaitFor",
        "yes": f"{path}.TrueActivity",
        "no": f"{path}.FalseActivity",
    }
    return step, fields


def _match(operator: str, groups: list[list[Located]], path: str) -> str:
    """The split's match for Pinpoint's Operator over SimpleConditions, each of whose own
    conditions (a SegmentDimensions' dimensions) must all hold. A Herald split is one flat
    list, ALL or ANY of it, with no ALL group inside ANY: (A and B) or C, flattened, would
    become A or B or C, so that is refused."""
    if operator != "ANY":
        return operator
    if len(groups) == 1:
        return "ALL"  # any of one SimpleCondition is that condition: all of its dimensions
    problems = [
        f"{path}.{i}.SegmentDimensions: its {len(group)} dimensions ({_names(group)}) must "
        "all hold, but under Operator ANY a Herald split takes TrueActivity when any one "
        "condition holds (it cannot group conditions inside ANY), so this does not translate "
        "without changing its meaning; put these dimensions in a Pinpoint segment and use a "
        "SegmentCondition, or give each dimension its own condition if any one should do"
        for i, group in enumerate(groups)
        if len(group) > 1
    ]
    if problems:
        raise PinpointImportError("\n".join(problems))
    return operator


def _names(group: list[Located]) -> str:
    """Attributes.Plan, UserAttributes.Tier: the dimensions of one SegmentDimensions."""
    return ", ".join(origin.split(".SegmentDimensions.", 1)[-1] for origin, _ in group)


def _multi(body: dict[str, Any], path: str) -> Built:
    given = body.get("Branches") or []
    if not 1 <= len(given) <= MAX_BRANCHES:
        raise PinpointImportError(f"{path}.Branches: {len(given)} branches; 1 to {MAX_BRANCHES}")
    branches, fields = [], {"branches": f"{path}.Branches"}
    for i, branch in enumerate(given):
        here = f"{path}.Branches.{i}"
        conditions = simple_condition(get(branch, "Condition", here) or {}, f"{here}.Condition")
        branches.append(
            {
                "match": "ALL",
                "conditions": [c for _, c in conditions],
                "next": branch.get("NextActivity"),
            }
        )
        fields |= {f"branches.{i}": here, f"branches.{i}.conditions": f"{here}.Condition"}
        fields |= {f"branches.{i}.conditions.{j}": at for j, (at, _) in enumerate(conditions)}
        fields[f"branches.{i}.next"] = f"{here}.NextActivity"
    step = {
        "type": "multi_split",
        "branches": branches,
        "evaluation_wait": _evaluation_wait(body, path),
        "else_next": body.get("DefaultActivity"),
    }
    fields |= {
        "evaluation_wait": f"{path}.EvaluationWaitTime.WaitFor",
        "else_next": f"{path}.DefaultActivity",
    }
    return step, fields


def _random(body: dict[str, Any], path: str) -> Built:
    given = body.get("Branches") or []
    branches = [{"percent": b.get("Percentage") or 0, "next": b.get("NextActivity")} for b in given]
    total = sum(b["percent"] for b in branches)
    if total != 100 or not 2 <= len(branches) <= MAX_BRANCHES:
        raise PinpointImportError(
            f"{path}.Branches: {len(branches)} branches summing to {total}%; "
            f"2 to {MAX_BRANCHES} branches whose Percentage values sum to 100"
        )
    fields = {"branches": f"{path}.Branches"}
    for i in range(len(branches)):
        here = f"{path}.Branches.{i}"
        fields |= {f"branches.{i}": here, f"branches.{i}.percent": f"{here}.Percentage"}
        fields[f"branches.{i}.next"] = f"{here}.NextActivity"
    return {"type": "random_split", "branches": branches}, fields


def _holdout(body: dict[str, Any], path: str) -> Built:
    percent = body.get("Percentage") or 0
    if not 0 <= percent <= 100:
        raise PinpointImportError(f"{path}.Percentage: {percent!r}; an integer from 0 to 100")
    step = {"type": "holdout", "percent": percent, "next": body.get("NextActivity")}
    fields = {"percent": f"{path}.Percentage", "next": f"{path}.NextActivity"}
    return step, fields


_STEP: dict[str, Callable[[dict[str, Any], str], Built]] = {
    **{kind: send(channel) for kind, channel in SEND_TYPES.items()},
    "Wait": _wait,
    "ConditionalSplit": _split,
    "MultiCondition": _multi,
    "RandomSplit": _random,
    "Holdout": _holdout,
}
