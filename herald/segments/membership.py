"""Who is in a segment: counts, and keyset pages in a stable order, so a crash resumes at a
cursor and millions of members are walked a page at a time.

Each call is one SQL query. Opted-out and inactive endpoints are never in a send set;
`include_unreachable=True` shows them too, for analysis. A campaign run's snapshot takes its
opted-out members as well (`page_candidates`), to record each as skipped with the reason.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ColumnElement, and_, func, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from herald.models import Segment
from herald.segments.compiler import CompileContext, active, membership, reachable
from herald.segments.resolve import resolve
from herald.store.clock import utcnow
from herald.store.tables import EndpointRow

E = EndpointRow


async def condition(
    session: AsyncSession,
    segment: Segment,
    *,
    include_unreachable: bool = False,
    include_opted_out: bool = False,
    now: datetime | None = None,
) -> ColumnElement[bool]:
    """The segment's membership condition on `endpoints`, its references resolved.

    `include_opted_out`: opted-out members too, inactive ones still not."""
    if session.get_bind().dialect.name == "postgresql":
        # psycopg prepares a statement run five times, and PostgreSQL may then plan it once
        # for any values; a segment's best plan depends on its values (how many endpoints
        # have Plan=pro), and planning costs a millisecond of a query that scans millions.
        await session.execute(text("SET LOCAL plan_cache_mode = force_custom_plan"))
    context = CompileContext(now=now or utcnow(), segments=await resolve(session, segment))
    member = membership(segment, context)
    if include_unreachable:
        return member
    # Reachability first: column tests that spare the lookups of 2% of endpoints.
    return and_(active() if include_opted_out else reachable(), member)


async def count_members(
    session: AsyncSession,
    segment: Segment,
    *,
    include_unreachable: bool = False,
    now: datetime | None = None,
) -> int:
    where = await condition(session, segment, include_unreachable=include_unreachable, now=now)
    result = await session.execute(select(func.count()).select_from(E).where(where))
    return int(result.scalar_one())


async def page_members(
    session: AsyncSession,
    segment: Segment,
    *,
    after: str = "",
    limit: int = 500,
    include_unreachable: bool = False,
    now: datetime | None = None,
) -> list[str]:
    """Up to `limit` member endpoint ids after the cursor `after`, in the database's order of
    ids; pass the last id of a page as `after` to get the next."""
    where = await condition(session, segment, include_unreachable=include_unreachable, now=now)
    query = select(E.id).where(where).order_by(E.id).limit(limit)
    if after:
        query = query.where(E.id > after)
    return list((await session.execute(query)).scalars())


async def page_candidates(
    session: AsyncSession,
    segment: Segment,
    *,
    after: str = "",
    limit: int = 500,
    endpoint_id: str | None = None,
    now: datetime | None = None,
) -> list[tuple[str, bool]]:
    """(endpoint id, opted out) of the active members, keyset-paged like `page_members`
    (or only `endpoint_id`, if a member): what a campaign run snapshots. An opted-out
    member is sent nothing; the run records it as skipped, with the reason."""
    where = await condition(session, segment, include_opted_out=True, now=now)
    query = select(E.id, E.opt_out != "NONE").where(where).order_by(E.id).limit(limit)
    if after:
        query = query.where(E.id > after)
    if endpoint_id is not None:
        query = query.where(E.id == endpoint_id)
    return [(str(e), bool(out)) for e, out in (await session.execute(query)).all()]


async def count_users(
    session: AsyncSession,
    segment: Segment,
    *,
    include_unreachable: bool = False,
    now: datetime | None = None,
) -> int:
    """How many distinct users have at least one member endpoint."""
    where = await condition(session, segment, include_unreachable=include_unreachable, now=now)
    users = select(E.user_id).where(where, E.user_id.is_not(None)).distinct().subquery()
    result = await session.execute(select(func.count()).select_from(users))
    return int(result.scalar_one())


async def page_users(
    session: AsyncSession,
    segment: Segment,
    *,
    after: str = "",
    limit: int = 500,
    include_unreachable: bool = False,
    now: datetime | None = None,
) -> list[str]:
    """Distinct user ids with a member endpoint, keyset-paged like `page_members`; for
    journeys whose participants are users."""
    where = await condition(session, segment, include_unreachable=include_unreachable, now=now)
    query = (
        select(E.user_id)
        .where(where, E.user_id.is_not(None))
        .group_by(E.user_id)
        .order_by(E.user_id)
        .limit(limit)
    )
    if after:
        query = query.where(E.user_id > after)
    return [str(user_id) for user_id in (await session.execute(query)).scalars()]


async def is_member(
    session: AsyncSession,
    segment: Segment,
    endpoint_id: str,
    *,
    include_unreachable: bool = True,
    now: datetime | None = None,
) -> bool:
    """Whether one endpoint is in the segment (a journey split's segment condition)."""
    where = await condition(session, segment, include_unreachable=include_unreachable, now=now)
    result = await session.execute(select(E.id).where(where, E.id == endpoint_id))
    return result.first() is not None


async def is_user_member(
    session: AsyncSession,
    segment: Segment,
    user_id: str,
    *,
    include_unreachable: bool = True,
    now: datetime | None = None,
) -> bool:
    """Whether any endpoint of a user is in the segment (journeys whose participants are
    users)."""
    where = await condition(session, segment, include_unreachable=include_unreachable, now=now)
    result = await session.execute(select(E.id).where(where, E.user_id == user_id).limit(1))
    return result.first() is not None
