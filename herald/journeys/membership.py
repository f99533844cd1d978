"""Is one endpoint in a segment? (A split's segment condition, an event entry's segment.)"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from herald.models import Segment
from herald.segments import is_member


async def contains(
    session: AsyncSession, segment: Segment, endpoint_id: str, now: datetime | None = None
) -> bool:
    return await is_member(session, segment, endpoint_id, now=now)
