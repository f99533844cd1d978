"""`herald pinpoint import FILE --kind journey`: Pinpoint's WriteJourneyRequest as a Journey.

Templates and segments are referred to by Pinpoint's names lower-cased (WelcomeEmail ->
welcomeemail): import them under those names first. Anything without a translation fails
with its JSON path, every such problem of a request at once: its JSON types first
(request_types.py), then each activity and setting, then Herald's checks of the result, said
at the Pinpoint paths they came from (journey_paths.py). A message activity's MessageConfig
(sender, SMS type, push TTL) lives on the Herald template instead. CUSTOM messages go to
Herald's CUSTOM channel (its configured webhook), not to a DeliveryUri: the journey's
description says so when one was given.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from pydantic import TypeAdapter, ValidationError

from herald.models import Definition, Journey
from herald.models.journey import StepId
from herald.pinpoint.journey_activities import activity
from herald.pinpoint.journey_parts import get
from herald.pinpoint.journey_paths import JourneyPaths
from herald.pinpoint.journey_settings import settings
from herald.pinpoint.registry import PinpointImportError
from herald.pinpoint.request_types import read_request

# Pinpoint's State on a WriteJourneyRequest: DRAFT saves it, ACTIVE publishes it. The others
# describe a journey that has run; Herald's lifecycle commands reach them from ACTIVE.
IMPORTED_STATES = ("DRAFT", "ACTIVE")
_STEP_ID: TypeAdapter[str] = TypeAdapter(StepId)
T = TypeVar("T")


def translate_journey(document: Any, name: str) -> list[Definition]:
    """The journey (a WriteJourneyRequest, or `get-journey`'s JourneyResponse, bare or in
    its wrapper), or PinpointImportError listing every problem, one a line."""
    document, problems = read_request(document, "WriteJourneyRequest", "JourneyResponse")
    if problems:
        raise PinpointImportError("\n".join(problems))
    activities, start = document.get("Activities"), document.get("StartActivity")
    if not activities or not start:
        raise PinpointImportError("$: needs Activities and StartActivity")
    paths = JourneyPaths()
    problems = []
    steps = _steps(activities, paths, problems)
    doc = {
        "kind": "Journey",
        "name": name,
        "description": _description(document, name),
        "start": start,
        "steps": steps,
        "settings": _attempt(problems, lambda: settings(document)) or {},
        "state": _attempt(problems, lambda: _state(document)) or "ACTIVE",
    }
    _attempt(problems, lambda: _refuse_unsupported(document))
    try:
        journey = Journey.model_validate(doc)
    except ValidationError as exc:
        problems += paths.explain(exc, doc, complete=len(steps) == len(activities))
        raise PinpointImportError("\n".join(problems or [str(exc)])) from None
    if problems:
        raise PinpointImportError("\n".join(problems))
    return [journey]


def _steps(
    activities: dict[str, Any], paths: JourneyPaths, problems: list[str]
) -> dict[str, dict[str, Any]]:
    """The activities that translate, as steps; the problems of the others."""
    steps = {}
    for aid, node in activities.items():
        here = f"$.Activities.{aid}"
        try:
            step, fields = activity(node, here)
        except PinpointImportError as exc:
            problems += str(exc).splitlines()
            step = None
        if (id_problem := _step_id_problem(aid, here)) is not None:
            problems.append(id_problem)
        elif step is not None:
            steps[aid] = step
            paths.add_step(aid, fields)
    return steps


def _step_id_problem(aid: str, path: str) -> str | None:
    """Herald keeps an activity's id as its step id, which is shorter than Pinpoint's."""
    try:
        _STEP_ID.validate_python(aid)
    except ValidationError:
        return (
            f"{path}: not a Herald step id, which is 1 to 64 letters, digits, '_', '.' or '-' "
            f"starting with a letter or digit (this one has {len(aid)} characters); rename "
            "the activity and the activities that lead to it"
        )
    return None


def _attempt(problems: list[str], work: Callable[[], T]) -> T | None:
    """`work()`, or None with its problems added to `problems`, so one import lists them all."""
    try:
        return work()
    except PinpointImportError as exc:
        problems += str(exc).splitlines()
        return None


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
