"""Paging through a segment's members in a stable order, so a crash resumes at a cursor."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from herald.models import Segment
from herald.store.tables import EndpointRow


async def page_members(
    session: AsyncSession, segment: Segment, *, after: str = "", limit: int = 500
) -> list[str]:
    """Up to `limit` ids of the segment's existing endpoints, ordered, after the cursor."""
    candidates = sorted(i for i in set(segment.endpoint_ids) if i > after)
    members: list[str] = []
    for start in range(0, len(candidates), limit):
        chunk = candidates[start : start + limit]
        found = await session.execute(select(EndpointRow.id).where(EndpointRow.id.in_(chunk)))
        members += sorted(found.scalars())
        if len(members) >= limit:
            break
    return members[:limit]
