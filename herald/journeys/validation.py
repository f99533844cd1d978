"""Checks of a journey at apply time beyond its fields: the templates and segments it names
exist, its webhook steps' bodies parse as templates and their urls are not written as ones.
They run on a whole journey, or on the parts of a journey document that failed its field
checks that did parse, so one apply lists these problems with the field's."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from herald.journeys.webhook import body_problem
from herald.models import Journey
from herald.models.conditions import Condition, SegmentCondition
from herald.models.journey_graph import parsed_step
from herald.models.journey_settings import Entry
from herald.models.journey_steps import (
    MultiSplitStep,
    SendStep,
    SplitStep,
    Step,
    WaitForReplyStep,
    WebhookStep,
)
from herald.models.reply_words import keyword_form
from herald.store.segments import get_segment
from herald.templates.stored_reference import reference_problem


@dataclass(frozen=True)
class References:
    """What a journey names in the store: its steps and entry settings, whole or in part."""

    name: str
    steps: Mapping[str, Step] = field(default_factory=dict)
    entry: Entry | None = None

    @classmethod
    def of(cls, journey: Journey) -> References:
        return cls(journey.name, journey.steps, journey.settings.entry)

    @classmethod
    def of_document(cls, document: Mapping[str, Any]) -> References:
        """The steps and entry that parse on their own, of a document that did not."""
        steps = document.get("steps")
        settings = document.get("settings")
        raw_entry = settings.get("entry", {}) if isinstance(settings, dict) else {}
        return cls(
            str(document.get("name") or "(unnamed)"),
            {
                str(step_id): step
                for step_id, body in (steps.items() if isinstance(steps, dict) else [])
                if (step := parsed_step(body)) is not None
            },
            _parsed_entry(raw_entry),
        )


def _parsed_entry(value: Any) -> Entry | None:
    try:
        return Entry.model_validate(value)
    except ValidationError:
        return None  # its own problems are reported by the field checks


async def reference_problems(session: AsyncSession, refs: References) -> list[str]:
    return (
        await missing_templates(session, refs)
        + await missing_segments(session, refs)
        + webhook_problems(refs)
        + reply_problems(refs)
    )


# Jinja's markers, as written and as a URL percent-encodes them (`{{` in a path is `%7B%7B`).
_TEMPLATE_MARKS = ("{{", "{%", "%7b%7b", "%7b%25")


def webhook_problems(refs: References) -> list[str]:
    """Webhook steps every participant would fail at, or call the wrong URL from: a `body`
    that does not parse as a template, and a `url` written as one (it is called as it is)."""
    problems = []
    for step_id, step in refs.steps.items():
        if not isinstance(step, WebhookStep):
            continue
        where = f"Journey {refs.name!r}: steps.{step_id}"
        if step.body is not None and (problem := body_problem(step.body)):
            problems.append(f"{where}.body: {problem}")
        if any(mark in str(step.url).lower() for mark in _TEMPLATE_MARKS):
            problems.append(
                f"{where}.url: the url is called as written, not rendered as a template "
                "(only `body` is); put the participant's values in the body"
            )
    return problems


def reply_problems(refs: References) -> list[str]:
    """Reply keywords that can never match: a reply's first word is what keywords compare
    with, so a keyword of several words, or of punctuation alone, is never it."""
    problems = []
    for step_id, step in refs.steps.items():
        if not isinstance(step, WaitForReplyStep):
            continue
        for n, branch in enumerate(step.branches):
            problems += [
                f"Journey {refs.name!r}: steps.{step_id}.branches.{n}.keywords: {keyword!r} "
                "can never match: keywords are compared with a reply's first word; for a "
                "phrase, use `pattern`"
                for keyword in branch.keywords
                if len(keyword.split()) != 1 or not keyword_form(keyword)
            ]
    return problems


async def missing_templates(session: AsyncSession, refs: References) -> list[str]:
    """Templates the send steps name that do not exist (or not at the pinned version), are
    for another channel, or lack a value the step does not give."""
    problems = []
    for step_id, step in refs.steps.items():
        if isinstance(step, SendStep):
            problem = await reference_problem(
                session,
                f"Journey {refs.name!r}: steps.{step_id}",
                step.template,
                step.template_version,
                step.channel.value,
                step.substitutions,
            )
            problems += [problem] if problem else []
    return problems


def _conditions(steps: Mapping[str, Step]) -> list[tuple[str, Condition]]:
    found: list[tuple[str, Condition]] = []
    for step_id, step in steps.items():
        if isinstance(step, SplitStep):
            found += [(f"steps.{step_id}.conditions.{i}", c) for i, c in enumerate(step.conditions)]
        elif isinstance(step, MultiSplitStep):
            for b, branch in enumerate(step.branches):
                where = f"steps.{step_id}.branches.{b}.conditions"
                found += [(f"{where}.{i}", c) for i, c in enumerate(branch.conditions)]
    return found


def _segment_references(refs: References) -> list[tuple[str, str]]:
    """(field path, segment name) for every segment the journey names."""
    entry = refs.entry
    found = []
    if entry and entry.segment:
        found.append(("settings.entry.segment.segment", entry.segment.segment))
    if entry and entry.event and entry.event.segment:
        found.append(("settings.entry.event.segment", entry.event.segment))
    found += [
        (f"{path}.segment", c.segment)
        for path, c in _conditions(refs.steps)
        if isinstance(c, SegmentCondition)
    ]
    return found


async def missing_segments(session: AsyncSession, refs: References) -> list[str]:
    return [
        f"Journey {refs.name!r}: {path}: segment {name!r} does not exist; apply it first or with it"
        for path, name in _segment_references(refs)
        if await get_segment(session, name) is None
    ]
