"""`herald pinpoint import FILE --kind journey`: Pinpoint's WriteJourneyRequest as a Journey.

Templates and segments are referred to by Pinpoint's names lower-cased (WelcomeEmail ->
welcomeemail): import them under those names first. Anything without a translation fails
with its JSON path. A message activity's MessageConfig (sender, SMS type, push TTL) lives on
the Herald template instead. CUSTOM messages go to Herald's CUSTOM channel (its configured
webhook), not to a DeliveryUri: the journey's description says so when one was given.
"""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from herald.models import Definition, Journey
from herald.pinpoint.journey_parts import get, simple_condition, wait_time
from herald.pinpoint.journey_send import SEND_TYPES, send
from herald.pinpoint.journey_settings import settings
from herald.pinpoint.registry import PinpointImportError

MAX_BRANCHES = 5
# Pinpoint's State on a WriteJourneyRequest: DRAFT saves it, ACTIVE publishes it. The others
# describe a journey that has run; Herald's lifecycle commands reach them from ACTIVE.
IMPORTED_STATES = ("DRAFT", "ACTIVE")


def translate_journey(document: Any, name: str) -> list[Definition]:
    activities = get(document, "Activities", "$") or {}
    start = get(document, "StartActivity", "$", str)
    if not activities or not start:
        raise PinpointImportError("$: needs Activities and StartActivity")
    _refuse_unsupported(document)
    steps = {aid: _activity(node, f"$.Activities.{aid}") for aid, node in activities.items()}
    doc = {
        "kind": "Journey",
        "name": name,
        "description": _description(document, name),
        "start": start,
        "steps": steps,
        "settings": settings(document),
        "state": _state(document),
    }
    try:
        return [Journey.model_validate(doc)]
    except ValidationError as exc:
        first = exc.errors(include_url=False)[0]
        where = ".".join(str(p) for p in first["loc"])
        raise PinpointImportError(f"$ (as Herald {where}): {first['msg']}") from exc


def _refuse_unsupported(document: dict[str, Any]) -> None:
    if get(document, "JourneyChannelSettings", "$"):
        raise PinpointImportError(
            "$.JourneyChannelSettings: Amazon Connect campaigns do not translate; remove it"
        )
    if document.get("TimezoneEstimationMethods"):
        raise PinpointImportError(
            "$.TimezoneEstimationMethods: Herald does not estimate timezones; an endpoint "
            "without Demographic.Timezone uses Schedule.Timezone. Remove it"
        )


def _state(document: dict[str, Any]) -> str:
    state = document.get("State") or "ACTIVE"
    if state not in IMPORTED_STATES:
        raise PinpointImportError(
            f"$.State: {state!r} does not translate; allowed: {', '.join(IMPORTED_STATES)} "
            f"(import it ACTIVE, then `herald journeys pause|close|cancel`)"
        )
    return str(state)


def _description(document: dict[str, Any], name: str) -> str:
    text = f"Imported from Pinpoint journey {document.get('Name', name)!r}"
    custom = [
        f"{aid} ({uri})"
        for aid, node in (document.get("Activities") or {}).items()
        if isinstance(node, dict) and (uri := (node.get("CUSTOM") or {}).get("DeliveryUri"))
    ]
    if custom:
        text += (
            ". CUSTOM activities send through Herald's CUSTOM channel, not their "
            "DeliveryUri: " + ", ".join(custom)
        )
    return text


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
    given = body.get("Branches") or []
    if not 1 <= len(given) <= MAX_BRANCHES:
        raise PinpointImportError(f"{path}.Branches: {len(given)} branches; 1 to {MAX_BRANCHES}")
    for i, branch in enumerate(given):
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
        {"percent": b.get("Percentage") or 0, "next": b.get("NextActivity")}
        for b in body.get("Branches") or []
    ]
    total = sum(b["percent"] for b in branches)
    if total != 100 or not 2 <= len(branches) <= MAX_BRANCHES:
        raise PinpointImportError(
            f"{path}.Branches: {len(branches)} branches summing to {total}%; "
            f"2 to {MAX_BRANCHES} branches whose Percentage values sum to 100"
        )
    return {"type": "random_split", "branches": branches}


def _holdout(body: dict[str, Any], path: str) -> dict[str, Any]:
    percent = body.get("Percentage") or 0
    if not isinstance(percent, int) or not 0 <= percent <= 100:
        raise PinpointImportError(f"{path}.Percentage: {percent!r}; an integer from 0 to 100")
    return {
        "type": "holdout",
        "percent": percent,
        "next": body.get("NextActivity"),
    }


_STEP = {
    **{kind: send(channel) for kind, channel in SEND_TYPES.items()},
    "Wait": _wait,
    "ConditionalSplit": _split,
    "MultiCondition": _multi,
    "RandomSplit": _random,
    "Holdout": _holdout,
}
