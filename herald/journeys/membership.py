"""Is one endpoint in a segment? (A split's segment condition.)"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from herald.models import Segment


async def contains(session: AsyncSession, segment: Segment, endpoint_id: str) -> bool:
    return endpoint_id in set(segment.endpoint_ids)
