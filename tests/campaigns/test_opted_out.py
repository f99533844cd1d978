"""Opted-out members are in a run and skipped with the reason, never held out; inactive
endpoints stay out of the run; everyone else is split exactly as before."""

from __future__ import annotations

from sqlalchemy import select, update

from herald.campaigns.assignment import assign
from herald.models.campaign import Campaign
from herald.store import Database
from herald.store.campaigns_tables import CampaignAssignmentRow
from herald.store.tables import EndpointRow
from tests.campaigns.harness import (
    SEGMENT,
    TEMPLATE,
    add_endpoints,
    campaign,
    finished,
    message_counts,
    unique,
)
from tests.workflows.engine import Engine


async def _set(database: Database, ids: list[str], **values: str) -> None:
    async with database.session() as session:
        await session.execute(update(EndpointRow).where(EndpointRow.id.in_(ids)).values(**values))


async def _assigned(database: Database, name: str) -> dict[str, str]:
    a = CampaignAssignmentRow
    async with database.session() as session:
        rows = await session.execute(select(a.endpoint_id, a.treatment).where(a.campaign == name))
        return {str(e): str(t) for e, t in rows.all()}


async def test_opted_out_members_are_skipped_with_the_reason_and_never_held_out(
    engine: Engine, sqlite_database: Database
) -> None:
    ids = await add_endpoints(sqlite_database, 200)
    opted_out, inactive = ids[:40], ids[40:50]
    await _set(sqlite_database, opted_out, opt_out="ALL")
    await _set(sqlite_database, inactive, endpoint_status="INACTIVE")
    name = unique()
    doc = campaign(name, holdout_percent=50)
    await engine.apply(SEGMENT, TEMPLATE, doc)
    await finished(engine, name)

    status = await engine.herald.campaign_status(name)
    [run] = status.runs
    assigned = await _assigned(sqlite_database, name)
    assert set(assigned) == set(ids) - set(inactive)
    definition = Campaign.model_validate(doc)
    assert any(assign(definition, e) is None for e in opted_out)  # reachable, they'd be held
    assert {assigned[e] for e in opted_out} == {"default"}
    held = {e for e in ids[50:] if assign(definition, e) is None}
    assert {e for e, t in assigned.items() if t == ""} == held  # the same split as ever
    assert (run.members, run.holdout) == (190, len(held))
    assert (run.sent, run.skipped, run.failed) == (150 - len(held), 40, 0)
    assert run.skipped_reasons == {"endpoint opted out": 40}
    assert await message_counts(sqlite_database, name) == {
        ("SENT", "default"): 150 - len(held),
        ("SKIPPED", "default"): 40,
    }
