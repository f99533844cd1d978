"""Campaign definitions, their runs, and each run's segment snapshot (assignments)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any, cast

from sqlalchemy import Table, and_, bindparam, func, literal, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from herald.models.campaign import Campaign
from herald.models.campaign_run import (
    FINISHED,
    CampaignState,
    campaign_workflow_id,
    message_key,
    once_run,
)
from herald.models.endpoint import STORED
from herald.models.message import MessageStatus
from herald.store.bulk import insert_rows
from herald.store.campaigns_tables import CampaignAssignmentRow, CampaignCapLockRow, CampaignRunRow
from herald.store.checksum import checksum
from herald.store.clock import utcnow
from herald.store.tables import CampaignRow, MessageRow

A = CampaignAssignmentRow
PENDING, DEFERRED, DONE, HOLDOUT = "PENDING", "DEFERRED", "DONE", "HOLDOUT"


async def put_campaign(session: AsyncSession, campaign: Campaign) -> bool:
    """Store the definition; False when it is unchanged. A campaign that was cancelled, or a
    ONCE campaign whose run failed, applied again with changes is scheduled anew: SCHEDULED
    in a new generation, whose runs start afresh (see `once_run`). Applied again unchanged,
    it stays as it is, so re-applying a whole directory restarts nothing (only a launch that
    failed is tried again: see `launch_pending`). Stored or changed, its launch is pending
    until `mark_launched`. A ONCE campaign that completed is not sent again (its run id is
    taken): start a run by hand for that."""
    document = campaign.model_dump(mode="json")
    now = utcnow()
    row = await session.get(CampaignRow, campaign.name, with_for_update=True)
    if row is None:
        session.add(
            CampaignRow(
                name=campaign.name,
                definition=document,
                state=CampaignState.SCHEDULED.value,
                generation=1,
                created_at=now,
                updated_at=now,
            )
        )
        await session.flush()
        return True
    if checksum(row.definition) == checksum(document):
        return False
    if await _over_for_good(session, row):
        row.state, row.generation = CampaignState.SCHEDULED.value, row.generation + 1
    row.definition, row.updated_at, row.launched_at = document, now, None
    await session.flush()
    return True


async def launch_pending(session: AsyncSession, name: str) -> bool:
    """Whether the campaign's current definition was never put to work in Temporal (it was
    unreachable when the campaign was applied), and the campaign is not over since."""
    row = await session.get(CampaignRow, name)
    if row is None or row.launched_at is not None:
        return False
    return CampaignState(row.state) not in FINISHED


async def mark_launched(session: AsyncSession, campaign: Campaign) -> None:
    """Note that `campaign` was put to work, if it is still the stored definition: another
    one applied meanwhile waits for its own launch."""
    row = await session.get(CampaignRow, campaign.name, with_for_update=True)
    if row is not None and checksum(row.definition) == checksum(campaign.model_dump(mode="json")):
        row.launched_at = utcnow()


async def _over_for_good(session: AsyncSession, row: CampaignRow) -> bool:
    """Cancelled, or ONCE with its run failed: nothing more happens until it is applied."""
    if row.state == CampaignState.CANCELLED.value:
        return True
    if stored_campaign(row.definition).schedule.frequency != "ONCE":
        return False
    run = await get_run(session, row.name, once_run(row.generation))
    return run is not None and run.state == CampaignState.FAILED.value


async def get_generation(session: AsyncSession, name: str) -> int:
    """How many times the campaign was scheduled (1 until applied again after its end)."""
    found = await session.scalar(select(CampaignRow.generation).where(CampaignRow.name == name))
    return int(found or 1)


def stored_campaign(definition: dict[str, Any]) -> Campaign:
    """A campaign definition read back from the store (a campaign's row or a run's copy):
    rules tightened since it was accepted do not make it unreadable."""
    return Campaign.model_validate(definition, context=STORED)


async def get_campaign(session: AsyncSession, name: str) -> tuple[Campaign, CampaignState] | None:
    row = await session.get(CampaignRow, name)
    if row is None:
        return None
    return stored_campaign(row.definition), CampaignState(row.state)


async def list_campaigns(session: AsyncSession) -> list[tuple[Campaign, CampaignState]]:
    rows = (await session.execute(select(CampaignRow).order_by(CampaignRow.name))).scalars()
    return [(stored_campaign(r.definition), CampaignState(r.state)) for r in rows]


async def set_campaign_state(session: AsyncSession, name: str, state: CampaignState) -> None:
    await session.execute(
        update(CampaignRow)
        .where(CampaignRow.name == name)
        .values(state=state.value, updated_at=utcnow())
    )


async def start_run(
    session: AsyncSession, campaign: Campaign, run: str, workflow_id: str, now: datetime
) -> CampaignRunRow:
    """The run's row, made once: a retried start finds the definition frozen the first time."""
    row = await session.get(CampaignRunRow, (campaign.name, run))
    if row is None:
        row = CampaignRunRow(
            campaign=campaign.name,
            run=run,
            workflow_id=workflow_id,
            definition=campaign.model_dump(mode="json"),
            state=CampaignState.EXECUTING.value,
            members=0,
            holdout=0,
            snapshot_done=0,
            generation=await get_generation(session, campaign.name),
            started_at=now,
            updated_at=now,
        )
        session.add(row)
        await session.flush()
    return row


async def get_run(session: AsyncSession, campaign: str, run: str) -> CampaignRunRow | None:
    return await session.get(CampaignRunRow, (campaign, run))


async def list_runs(session: AsyncSession, campaign: str, limit: int = 20) -> list[CampaignRunRow]:
    query = (
        select(CampaignRunRow)
        .where(CampaignRunRow.campaign == campaign)
        .order_by(CampaignRunRow.started_at.desc(), CampaignRunRow.run.desc())
        .limit(limit)
    )
    return list((await session.execute(query)).scalars())


async def set_run_state(
    session: AsyncSession, campaign: str, run: str, state: str, reason: str | None = None
) -> None:
    """`reason`: why the run ended early (kept; a later state without one leaves it)."""
    values: dict[str, object] = {"state": state, "updated_at": utcnow()}
    if reason:
        values["reason"] = reason
    await session.execute(
        update(CampaignRunRow)
        .where(CampaignRunRow.campaign == campaign, CampaignRunRow.run == run)
        .values(**values)
    )


async def add_assignments(
    session: AsyncSession, campaign: str, run: str, assigned: Sequence[tuple[str, str | None]]
) -> None:
    """(endpoint id, treatment or None for the holdout); a retried page adds nothing twice."""
    rows = [
        {
            "campaign": campaign,
            "run": run,
            "endpoint_id": endpoint_id,
            "treatment": treatment or "",
            "state": PENDING if treatment else HOLDOUT,
            "not_before": None,
            "outcome": None,
            "reason": None,
        }
        for endpoint_id, treatment in assigned
    ]
    await insert_rows(
        session, "campaign_assignments", rows, conflict=("campaign", "run", "endpoint_id")
    )


async def due_assignments(
    session: AsyncSession, campaign: str, run: str, now: datetime, limit: int
) -> list[tuple[str, str]]:
    """(endpoint id, treatment) still to send and due now, in id order."""
    todo = and_(A.campaign == campaign, A.run == run)
    pending = A.state == PENDING
    deferred = and_(A.state == DEFERRED, A.not_before <= now)
    query = (
        select(A.endpoint_id, A.treatment)
        .where(todo, or_(pending, deferred))
        .order_by(A.endpoint_id)
        .limit(limit)
    )
    return [(str(e), str(t)) for e, t in (await session.execute(query)).all()]


async def next_due(session: AsyncSession, campaign: str, run: str) -> datetime | None:
    query = select(func.min(A.not_before)).where(
        A.campaign == campaign, A.run == run, A.state == DEFERRED
    )
    found = (await session.execute(query)).scalar_one_or_none()
    return time_value_back(found)


def time_value_back(value: datetime | str | None) -> datetime | None:
    """MIN() over a timestamp comes back untyped on SQLite: text in the stored format."""
    if value is None or isinstance(value, datetime):
        return value if value is None or value.tzinfo else value.replace(tzinfo=UTC)
    return datetime.fromisoformat(value).replace(tzinfo=UTC)


async def finish_assignments(
    session: AsyncSession,
    campaign: str,
    run: str,
    done: Sequence[tuple[str, str, str | None]],
    deferred: Sequence[tuple[str, datetime]],
) -> None:
    """Mark (endpoint, outcome, reason) DONE and (endpoint, not before) DEFERRED."""
    connection = await session.connection()
    table = cast(Table, A.__table__)
    key = and_(
        table.c.campaign == campaign,
        table.c.run == run,
        table.c.endpoint_id == bindparam("e"),
    )
    if done:
        await connection.execute(
            update(table)
            .where(key)
            .values(state=DONE, outcome=bindparam("o"), reason=bindparam("r")),
            [{"e": e, "o": o, "r": r} for e, o, r in done],
        )
    if deferred:
        await connection.execute(
            update(table).where(key).values(state=DEFERRED, not_before=bindparam("n")),
            [{"e": e, "n": n} for e, n in deferred],
        )


async def lock_caps(session: AsyncSession, campaign: str, endpoint_ids: Sequence[str]) -> None:
    """Hold the campaign's cap of each endpoint until the transaction ends: what the caller
    then counts and claims for them, no other transaction counts or claims meanwhile.

    On PostgreSQL, a lock on each (campaign, endpoint) row of campaign_cap_locks, made on
    first use and taken in id order (two batches never wait for each other crosswise); a
    row lock, not an advisory lock, so a batch of thousands of endpoints does not fill the
    server's shared lock table. On SQLite there is nothing to do: the transaction began
    IMMEDIATE, so it is the only writer until it ends."""
    if session.get_bind().dialect.name == "sqlite" or not endpoint_ids:
        return
    ids = sorted(set(endpoint_ids))
    rows = [{"campaign": campaign, "endpoint_id": e} for e in ids]
    await insert_rows(session, "campaign_cap_locks", rows, conflict=("campaign", "endpoint_id"))
    L = CampaignCapLockRow
    await session.execute(
        select(L.endpoint_id)
        .where(L.campaign == campaign, L.endpoint_id.in_(ids))
        .order_by(L.endpoint_id)
        .with_for_update()
    )


async def close_remaining(session: AsyncSession, campaign: str, run: str, reason: str) -> int:
    """Skip every endpoint of the run not yet done (maximum duration, cancel, late event).

    A message the run claimed for one of them and never finished (the provider said "later"
    and later never came) is skipped too, with the same reason: left PENDING it would count
    as in flight against the endpoint's daily and total caps for good (see the batch)."""
    todo = and_(A.campaign == campaign, A.run == run, A.state.in_((PENDING, DEFERRED)))
    m = MessageRow
    # The run's workflow makes its id the messages' key prefix (workflows/campaign.py).
    prefix = message_key(campaign_workflow_id(campaign, run), "")
    claimed = select(literal(prefix) + A.endpoint_id).where(todo)
    await session.execute(
        update(m)
        .where(m.idempotency_key.in_(claimed), m.status == MessageStatus.PENDING.value)
        .values(status=MessageStatus.SKIPPED.value, reason=reason, updated_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    result = await session.execute(
        update(A)
        .where(todo)
        .values(state=DONE, outcome="SKIPPED", reason=reason)
        .execution_options(synchronize_session=False)
    )
    return int(getattr(result, "rowcount", 0) or 0)


async def run_tally(session: AsyncSession, campaign: str, run: str) -> dict[str, int]:
    """Counts of the run's endpoints: by outcome, `skipped: <reason>`, pending, holdout."""
    query = (
        select(A.state, A.outcome, A.reason, func.count())
        .where(A.campaign == campaign, A.run == run)
        .group_by(A.state, A.outcome, A.reason)
    )
    tally: dict[str, int] = {}
    for state, outcome, reason, count in (await session.execute(query)).all():
        key = state.lower() if state != DONE else str(outcome).lower()
        tally[key] = tally.get(key, 0) + int(count)
        if outcome == "SKIPPED":
            tally[f"skipped: {reason}"] = tally.get(f"skipped: {reason}", 0) + int(count)
    return tally


async def treatment_sizes(session: AsyncSession, campaign: str, run: str) -> dict[str, int]:
    """Endpoints per treatment of a run; the holdout under `holdout`."""
    query = (
        select(A.treatment, func.count())
        .where(A.campaign == campaign, A.run == run)
        .group_by(A.treatment)
    )
    return {(t or "holdout"): int(n) for t, n in (await session.execute(query)).all()}
