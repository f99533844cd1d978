"""Is one endpoint in a segment? (A split's segment condition.)"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from herald.models import Segment
from herald.segments import is_member


async def contains(session: AsyncSession, segment: Segment, endpoint_id: str) -> bool:
    """Membership as `herald.segments` evaluates it (static or dynamic), opted-out endpoints
    included: whether to send is the send step's decision."""
    return await is_member(session, segment, endpoint_id)
