"""`herald pinpoint import FILE --kind journey`: Pinpoint's WriteJourneyRequest as a Journey.

Templates and segments are referred to by Pinpoint's names lower-cased (WelcomeEmail ->
welcomeemail): import them under those names first. Anything without a translation fails
with its JSON path.
"""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from herald.models import Definition, Journey
from herald.pinpoint.journey_parts import get, resource_name, simple_condition, wait_time
from herald.pinpoint.journey_settings import settings
from herald.pinpoint.registry import PinpointImportError

SEND_TYPES = {"EMAIL": "EMAIL", "SMS": "SMS", "PUSH": "PUSH", "CUSTOM": "CUSTOM"}


def translate_journey(document: Any, name: str) -> list[Definition]:
    activities = get(document, "Activities", "$") or {}
    start = get(document, "StartActivity", "$", str)
    if not activities or not start:
        raise PinpointImportError("$: needs Activities and StartActivity")
    steps = {aid: _activity(node, f"$.Activities.{aid}") for aid, node in activities.items()}
    doc = {
        "kind": "Journey",
        "name": name,
        "description": f"Imported from Pinpoint journey {document.get('Name', name)!r}",
        "start": start,
        "steps": steps,
        "settings": settings(document),
    }
    try:
        return [Journey.model_validate(doc)]
    except ValidationError as exc:
        first = exc.errors(include_url=False)[0]
        where = ".".join(str(p) for p in first["loc"])
        raise PinpointImportError(f"$ (as Herald {where}): {first['msg']}") from exc


def _activity(node: dict[str, Any], path: str) -> dict[str, Any]:
    kinds = [k for k in node if k != "Description"]
    if len(kinds) != 1:
        raise PinpointImportError(f"{path}: expected exactly one activity type, got {kinds}")
    kind = kinds[0]
    body = get(node, kind, path) or {}
    here = f"{path}.{kind}"
    title = node.get("Description")
    step = _STEP[kind](body, here) if kind in _STEP else None
    if step is None:
        raise PinpointImportError(f"{here}: {kind} activities have no translation")
    return {**step, "title": title} if title else step


def _send(channel: str) -> Any:
    def build(body: dict[str, Any], path: str) -> dict[str, Any]:
        template = get(body, "TemplateName", path, str)
        if not template:
            raise PinpointImportError(
                f"{path}.TemplateName: required (inline messages do not translate)"
            )
        step: dict[str, Any] = {
            "type": "send",
            "channel": channel,
            "template": resource_name(template, f"{path}.TemplateName"),
            "next": body.get("NextActivity"),
        }
        version = body.get("TemplateVersion")
        if version and str(version).isdigit():
            step["template_version"] = int(version)
        return step

    return build


def _wait(body: dict[str, Any], path: str) -> dict[str, Any]:
    waited = wait_time(get(body, "WaitTime", path) or {}, f"{path}.WaitTime")
    return {"type": "wait", **waited, "next": body.get("NextActivity")}


def _evaluation_wait(body: dict[str, Any], path: str) -> str | None:
    waited = get(body, "EvaluationWaitTime", path)
    if not waited:
        return None
    if waited.get("WaitUntil"):
        raise PinpointImportError(f"{path}.EvaluationWaitTime.WaitUntil: only WaitFor translates")
    return str(waited.get("WaitFor"))


def _split(body: dict[str, Any], path: str) -> dict[str, Any]:
    condition = get(body, "Condition", path) or {}
    simple = condition.get("Conditions") or []
    return {
        "type": "split",
        "match": condition.get("Operator") or "ALL",
        "conditions": [
            c
            for i, s in enumerate(simple)
            for c in simple_condition(s, f"{path}.Condition.Conditions.{i}")
        ],
        "evaluation_wait": _evaluation_wait(body, path),
        "yes": body.get("TrueActivity"),
        "no": body.get("FalseActivity"),
    }


def _multi(body: dict[str, Any], path: str) -> dict[str, Any]:
    branches = []
    for i, branch in enumerate(body.get("Branches") or []):
        here = f"{path}.Branches.{i}"
        conditions = simple_condition(get(branch, "Condition", here) or {}, f"{here}.Condition")
        branches.append(
            {"match": "ALL", "conditions": conditions, "next": branch.get("NextActivity")}
        )
    return {
        "type": "multi_split",
        "branches": branches,
        "evaluation_wait": _evaluation_wait(body, path),
        "else_next": body.get("DefaultActivity"),
    }


def _random(body: dict[str, Any], path: str) -> dict[str, Any]:
    branches = [
        {"percent": b.get("Percentage", 0), "next": b.get("NextActivity")}
        for b in body.get("Branches") or []
    ]
    return {"type": "random_split", "branches": branches}


def _holdout(body: dict[str, Any], path: str) -> dict[str, Any]:
    return {
        "type": "holdout",
        "percent": body.get("Percentage", 0),
        "next": body.get("NextActivity"),
    }


_STEP = {
    **{kind: _send(channel) for kind, channel in SEND_TYPES.items()},
    "Wait": _wait,
    "ConditionalSplit": _split,
    "MultiCondition": _multi,
    "RandomSplit": _random,
    "Holdout": _holdout,
}
