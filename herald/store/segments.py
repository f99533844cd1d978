"""Segments: stored definitions, versioned by content."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from herald.models import Segment
from herald.store.checksum import checksum
from herald.store.clock import utcnow
from herald.store.tables import SegmentRow


async def put_segment(session: AsyncSession, segment: Segment) -> tuple[int, bool]:
    """Store a segment. Returns (version, whether it changed)."""
    document = segment.model_dump(mode="json")
    digest = checksum(document)
    row = await session.get(SegmentRow, segment.name, with_for_update=True)
    if row is not None and row.checksum == digest:
        return row.version, False
    if row is None:
        row = SegmentRow(name=segment.name, version=0)
        session.add(row)
    row.version += 1
    row.definition, row.checksum, row.updated_at = document, digest, utcnow()
    await session.flush()
    return row.version, True


async def get_segment(session: AsyncSession, name: str) -> Segment | None:
    row = await session.get(SegmentRow, name)
    return Segment.model_validate(row.definition) if row else None
