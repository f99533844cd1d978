"""Applying validated definitions to the store, and what each application did."""

from __future__ import annotations

import logging
from collections.abc import Sequence

from pydantic import Field
from sqlalchemy.ext.asyncio import AsyncSession

from herald.campaigns.validation import campaign_problems
from herald.definitions import DefinitionError, located, name_of
from herald.journeys.validation import References, reference_problems
from herald.models import Campaign, Definition, EndpointDefinition, Journey, Segment
from herald.models.base import HeraldModel
from herald.segments import reference_problems as segment_problems
from herald.store import Database
from herald.store.campaigns import put_campaign
from herald.store.endpoints import write_endpoints
from herald.store.journeys import DraftRefused, get_state, publish_journey
from herald.store.segments import put_segment
from herald.store.templates import put_template


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
            problems += located(definitions, definition.kind, name_of(definition), [str(exc)])
    for d in ordered:
        found: list[str] = []
        if isinstance(d, Journey):
            found = await reference_problems(session, References.of(d))
        elif isinstance(d, Segment):
            found = await segment_problems(session, d)
        elif isinstance(d, Campaign):
            found = await campaign_problems(session, d)
        problems += located(definitions, d.kind, name_of(d), found)
    if problems:
        raise DefinitionError(problems)  # the caller's transaction rolls everything back
    return results


log = logging.getLogger(__name__)

_ORDER = ("Endpoint", "Template", "Segment", "Journey", "Campaign")


class _DryRun(Exception):
    """Ends a check's transaction, rolling back what it applied."""


async def with_store_problems(database: Database, error: DefinitionError) -> DefinitionError:
    """`error` (problems of the field checks), with what the store's checks find in what
    passed them and in the steps and entry of journeys that did not: an unknown template or
    segment is listed with a misspelt field, not on the next apply. The parsed definitions
    are applied in a transaction rolled back at once, so they can refer to one another."""
    problems: list[str] = []
    try:
        async with database.session() as session:
            try:
                await apply_definitions(session, error.parsed)
            except DefinitionError as refused:
                problems += refused.problems
            for document in error.unparsed_journeys:
                found = await reference_problems(session, References.of_document(document))
                problems += located(error.parsed, "Journey", document.get("name"), found)
            raise _DryRun
    except _DryRun:
        pass
    except Exception:  # the store unreachable, or a refusal the real apply will report
        # The dry run only adds to the report: the field problems must reach the user anyway.
        log.warning("could not check the rest of the definitions against the store", exc_info=True)
        return error
    return DefinitionError(error.problems + problems) if problems else error


async def _apply_one(session: AsyncSession, definition: Definition) -> ApplyResult:
    if isinstance(definition, EndpointDefinition):
        # The counts, not `upsert_endpoints`' total: an endpoint stored as it was is unchanged.
        counts = await write_endpoints(session, [definition.to_endpoint()])
        return ApplyResult(kind="Endpoint", name=definition.id, changed=counts.unchanged == 0)
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
