"""Segments: stored definitions, versioned by content, and the members of imported ones.

An import stages its members under a fresh generation and switches the segment to it only
when the file is done, so counting or paging during an import sees the previous members.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from herald.models import ImportedMembers, Segment
from herald.store.checksum import checksum
from herald.store.clock import utcnow
from herald.store.dialect import insert_for
from herald.store.tables import SegmentMemberRow, SegmentRow

MEMBER_TYPES = ("endpoint", "user")


async def put_segment(session: AsyncSession, segment: Segment) -> tuple[int, bool]:
    """Store a segment. Returns (version, whether it changed)."""
    document = segment.model_dump(mode="json")
    digest = checksum(_versioned_content(document))
    row = await session.get(SegmentRow, segment.name, with_for_update=True)
    if row is not None and row.checksum == digest:
        return row.version, False
    previous = _generation(row.definition) if row is not None else None
    if row is None:
        row = SegmentRow(name=segment.name, version=0)
        session.add(row)
    row.version += 1
    row.definition, row.checksum, row.updated_at = document, digest, utcnow()
    await session.flush()
    if previous and previous != _generation(document):
        await drop_generation(session, segment.name, previous)
    return row.version, True


def _versioned_content(document: dict[str, Any]) -> dict[str, Any]:
    """What makes a new version: an import of the same members under a new generation is
    the same segment."""
    imported = document.get("imported")
    if not imported:
        return document
    return {**document, "imported": {k: v for k, v in imported.items() if k != "generation"}}


def _generation(document: dict[str, Any]) -> str | None:
    imported = document.get("imported") or {}
    generation = imported.get("generation")
    return str(generation) if generation else None


async def get_segment(session: AsyncSession, name: str) -> Segment | None:
    row = await session.get(SegmentRow, name)
    return Segment.model_validate(row.definition) if row else None


async def get_segment_version(session: AsyncSession, name: str) -> tuple[Segment, int] | None:
    row = await session.get(SegmentRow, name)
    return (Segment.model_validate(row.definition), row.version) if row else None


async def list_segments(session: AsyncSession) -> list[tuple[Segment, int]]:
    rows = await session.execute(select(SegmentRow).order_by(SegmentRow.name))
    return [(Segment.model_validate(r.definition), r.version) for r in rows.scalars()]


def new_generation() -> str:
    return uuid.uuid4().hex


async def stage_members(
    session: AsyncSession, segment: str, generation: str, member_type: str, ids: Sequence[str]
) -> None:
    """Add members to a generation being imported (repeats are kept once)."""
    if member_type not in MEMBER_TYPES:
        raise ValueError(f"member type {member_type!r}; allowed: {', '.join(MEMBER_TYPES)}")
    rows = [
        {"segment": segment, "generation": generation, "member_type": member_type, "member_id": i}
        for i in dict.fromkeys(ids)
    ]
    if rows:
        stmt = insert_for(session, SegmentMemberRow.__table__).on_conflict_do_nothing()
        await session.execute(stmt, rows)


async def finish_import(
    session: AsyncSession, name: str, generation: str, *, description: str, source: str
) -> tuple[int, bool]:
    """Make the staged generation the segment's members. Same members as now: nothing
    changes and the staged copy is dropped. Returns (version, whether it changed)."""
    digest, counts = await _digest(session, name, generation)
    current = await get_segment(session, name)
    if current is not None and current.imported is not None and current.imported.digest == digest:
        await drop_generation(session, name, generation)
        stored = await session.get(SegmentRow, name)
        assert stored is not None
        return stored.version, False
    imported = ImportedMembers(
        generation=generation,
        digest=digest,
        endpoints=counts.get("endpoint", 0),
        users=counts.get("user", 0),
        source=source,
    )
    segment = Segment(name=name, description=description, type="static", imported=imported)
    return await put_segment(session, segment)


async def _digest(session: AsyncSession, name: str, generation: str) -> tuple[str, dict[str, int]]:
    """sha256 over the sorted members, read as a stream (constant memory)."""
    digest = hashlib.sha256()
    counts: dict[str, int] = {}
    rows = await session.stream(
        select(SegmentMemberRow.member_type, SegmentMemberRow.member_id)
        .where(SegmentMemberRow.segment == name, SegmentMemberRow.generation == generation)
        .order_by(SegmentMemberRow.member_type, SegmentMemberRow.member_id)
        .execution_options(yield_per=5000)
    )
    async for member_type, member_id in rows:
        digest.update(f"{member_type}\x00{member_id}\x00".encode())
        counts[member_type] = counts.get(member_type, 0) + 1
    return digest.hexdigest(), counts


async def drop_generation(session: AsyncSession, name: str, generation: str) -> None:
    await session.execute(
        delete(SegmentMemberRow).where(
            SegmentMemberRow.segment == name, SegmentMemberRow.generation == generation
        )
    )


async def count_staged(session: AsyncSession, name: str, generation: str) -> int:
    result = await session.execute(
        select(func.count()).where(
            SegmentMemberRow.segment == name, SegmentMemberRow.generation == generation
        )
    )
    return int(result.scalar_one())
