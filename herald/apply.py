"""Applying validated definitions to the store, and what each application did."""

from __future__ import annotations

from collections.abc import Sequence

from pydantic import Field
from sqlalchemy.ext.asyncio import AsyncSession

from herald.campaigns.validation import campaign_problems
from herald.definitions import DefinitionError
from herald.journeys.validation import missing_segments
from herald.models import Campaign, Definition, EndpointDefinition, Journey, Segment, SendStep
from herald.models.base import HeraldModel
from herald.segments import reference_problems
from herald.store.campaigns import put_campaign
from herald.store.endpoints import upsert_endpoints
from herald.store.journeys import DraftRefused, get_state, publish_journey
from herald.store.segments import put_segment
from herald.store.templates import put_template
from herald.templates.stored_reference import reference_problem


class ApplyResult(HeraldModel):
    kind: str
    name: str
    version: int | None = None
    changed: bool = True
    state: str | None = Field(default=None, description="A journey's state after applying.")
    note: str | None = None

    def describe(self) -> str:
        version = f" v{self.version}" if self.version else ""
        verb = "applied" if self.changed else "unchanged"
        note = f" ({self.note})" if self.note else ""
        return f"{self.kind} {self.name}{version} {verb}{note}"


async def apply_definitions(
    session: AsyncSession, definitions: Sequence[Definition]
) -> list[ApplyResult]:
    # Endpoints and templates first, so journeys applied alongside can refer to them.
    ordered = sorted(definitions, key=lambda d: _ORDER.index(d.kind))
    results: list[ApplyResult] = []
    problems: list[str] = []
    for definition in ordered:
        try:
            results.append(await _apply_one(session, definition))
        except DraftRefused as exc:
            problems.append(str(exc))
    problems += [p for d in ordered if isinstance(d, Journey) for p in await _missing(session, d)]
    problems += [
        p for d in ordered if isinstance(d, Segment) for p in await reference_problems(session, d)
    ]
    problems += [
        p for d in ordered if isinstance(d, Journey) for p in await missing_segments(session, d)
    ]
    problems += [
        p for d in ordered if isinstance(d, Campaign) for p in await campaign_problems(session, d)
    ]
    if problems:
        raise DefinitionError(problems)  # the caller's transaction rolls everything back
    return results


_ORDER = ("Endpoint", "Template", "Segment", "Journey", "Campaign")


async def _missing(session: AsyncSession, journey: Journey) -> list[str]:
    """Templates a journey's send steps name that do not exist (or not at the pinned version)."""
    problems = []
    for step_id, step in journey.steps.items():
        if isinstance(step, SendStep):
            problem = await reference_problem(
                session,
                f"Journey {journey.name!r}: steps.{step_id}",
                step.template,
                step.template_version,
                step.channel.value,
                step.substitutions,
            )
            problems += [problem] if problem else []
    return problems


async def _apply_one(session: AsyncSession, definition: Definition) -> ApplyResult:
    if isinstance(definition, EndpointDefinition):
        await upsert_endpoints(session, [definition.to_endpoint()])
        return ApplyResult(kind="Endpoint", name=definition.id)
    if isinstance(definition, Campaign):
        changed = await put_campaign(session, definition)
        return ApplyResult(kind="Campaign", name=definition.name, changed=changed)
    if isinstance(definition, Journey):
        return await _publish(session, definition)
    if isinstance(definition, Segment):
        version, changed = await put_segment(session, definition)
    else:
        version, changed = await put_template(session, definition)
    return ApplyResult(kind=definition.kind, name=definition.name, version=version, changed=changed)


async def _publish(session: AsyncSession, journey: Journey) -> ApplyResult:
    before = await get_state(session, journey.name)
    version, changed = await publish_journey(session, journey)
    after = await get_state(session, journey.name)
    note = None
    if after == "DRAFT":
        note = f"DRAFT: admits no one until `herald journeys activate {journey.name}`"
    elif before == "DRAFT":
        note, changed = "activated", True
    elif journey.state == "DRAFT":
        note = f"{after}: `state: DRAFT` only applies before a journey is activated"
    return ApplyResult(
        kind="Journey", name=journey.name, version=version, changed=changed, state=after,
        note=note,
    )  # fmt: skip
