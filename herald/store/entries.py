"""Journey entries: who entered which journey, when, and how many times."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import CursorResult, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from herald.store.analytics_tables import JourneyExitRow
from herald.store.dialect import insert_for
from herald.store.tables import JourneyEntryRow


@dataclass(frozen=True)
class EntryRecord:
    journey: str
    participant_id: str
    entry_n: int
    version: int
    workflow_id: str
    trigger: str
    entered_at: datetime


async def last_entry(
    session: AsyncSession, journey: str, participant_id: str
) -> EntryRecord | None:
    result = await session.execute(
        select(JourneyEntryRow)
        .where(JourneyEntryRow.journey == journey, JourneyEntryRow.participant_id == participant_id)
        .order_by(JourneyEntryRow.entry_n.desc())
        .limit(1)
    )
    row = result.scalar_one_or_none()
    return _record(row) if row else None


async def record_entry(session: AsyncSession, entry: EntryRecord) -> bool:
    """Record an entry once; False if that entry number was already recorded."""
    stmt = insert_for(session, JourneyEntryRow).values(**entry.__dict__)
    result = await session.execute(stmt.on_conflict_do_nothing())
    return bool(cast(CursorResult[Any], result).rowcount)


async def entries(
    session: AsyncSession, journey: str, *, after: tuple[str, int] = ("", 0), limit: int = 1000
) -> list[EntryRecord]:
    """Entries of a journey in (participant, entry) order, after a keyset cursor."""
    participant, n = after
    query = (
        select(JourneyEntryRow)
        .where(JourneyEntryRow.journey == journey)
        .where(
            (JourneyEntryRow.participant_id > participant)
            | ((JourneyEntryRow.participant_id == participant) & (JourneyEntryRow.entry_n > n))
        )
        .order_by(JourneyEntryRow.participant_id, JourneyEntryRow.entry_n)
        .limit(limit)
    )
    return [_record(r) for r in (await session.execute(query)).scalars()]


async def unexited_entries(
    session: AsyncSession, journey: str, *, after: str = "", limit: int = 1000
) -> list[EntryRecord]:
    """Entries with no recorded exit, in workflow id order after `after`: the only ones that
    can still be in the journey (a participant records its exit before it finishes)."""
    exited = select(JourneyExitRow.workflow_id).where(
        JourneyExitRow.workflow_id == JourneyEntryRow.workflow_id
    )
    query = (
        select(JourneyEntryRow)
        .where(JourneyEntryRow.journey == journey, JourneyEntryRow.workflow_id > after)
        .where(~exited.exists())
        .order_by(JourneyEntryRow.workflow_id)
        .limit(limit)
    )
    return [_record(r) for r in (await session.execute(query)).scalars()]


async def count_entries(session: AsyncSession, journey: str) -> int:
    result = await session.execute(
        select(func.count()).select_from(JourneyEntryRow).where(JourneyEntryRow.journey == journey)
    )
    return int(result.scalar_one())


def _record(row: JourneyEntryRow) -> EntryRecord:
    return EntryRecord(
        journey=row.journey,
        participant_id=row.participant_id,
        entry_n=row.entry_n,
        version=row.version,
        workflow_id=row.workflow_id,
        trigger=row.trigger,
        entered_at=row.entered_at,
    )


async def set_entry_version(session: AsyncSession, entry: EntryRecord, version: int) -> None:
    row = await session.get(JourneyEntryRow, (entry.journey, entry.participant_id, entry.entry_n))
    if row is not None:
        row.version = version
