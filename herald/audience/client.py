"""The audience half of `HeraldClient`: endpoints, users, events in batches, segments, imports.

`HeraldClient` inherits these methods; they talk to the database only.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from datetime import datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from herald.audience.importer import Format, ProblemHandler, ProgressHandler, import_endpoints
from herald.audience.report import ImportReport
from herald.models import Endpoint, Event, Segment, User
from herald.models.base import HeraldModel
from herald.segments import count_members, count_users, page_members, page_users
from herald.store import Database
from herald.store import endpoints as endpoint_store
from herald.store import events as event_store
from herald.store import segments as segment_store
from herald.store import users as user_store
from herald.store.events import EventResult
from herald.store.tables import EventRow


class SegmentSummary(HeraldModel):
    name: str
    version: int
    type: str
    description: str
    rules: int
    imported_members: int | None = None


class MembersPage(HeraldModel):
    """One page of member ids; pass `next` as `after` for the following page (None: done)."""

    segment: str
    ids: list[str]
    next: str | None


async def _stored_ids(session: AsyncSession, ids: list[str]) -> set[str]:
    if not ids:
        return set()
    result = await session.execute(select(EventRow.id).where(EventRow.id.in_(ids)))
    return set(result.scalars())


def _not_found(message: str) -> LookupError:
    from herald.client import NotFoundError  # HeraldClient is built on this class

    return NotFoundError(message)


class AudienceMethods:
    database: Database

    # endpoints and users

    async def write_endpoints(self, endpoints: Sequence[Endpoint]) -> endpoint_store.WriteCounts:
        """Upsert endpoints in one transaction; says how many were new, changed, unchanged."""
        async with self.database.session() as session:
            return await endpoint_store.write_endpoints(session, endpoints)

    async def delete_endpoint(self, endpoint_id: str) -> None:
        async with self.database.session() as session:
            if not await endpoint_store.delete_endpoint(session, endpoint_id):
                raise _not_found(f"endpoint {endpoint_id!r} does not exist")

    async def user(self, user_id: str) -> User:
        async with self.database.session() as session:
            found = await user_store.get_user(session, user_id)
        if found is None:
            raise _not_found(f"user {user_id!r} does not exist")
        return found

    async def user_endpoints(self, user_id: str) -> list[Endpoint]:
        async with self.database.session() as session:
            return await endpoint_store.list_user_endpoints(session, user_id)

    async def delete_user(self, user_id: str) -> list[str]:
        """Delete a user and all their endpoints; returns the endpoint ids deleted."""
        async with self.database.session() as session:
            if await user_store.get_user(session, user_id) is None:
                raise _not_found(f"user {user_id!r} does not exist")
            return await endpoint_store.delete_user(session, user_id)

    async def import_endpoints(
        self,
        path: Path,
        *,
        file_format: Format | None = None,
        segment: str | None = None,
        source: str | None = None,
        on_problem: ProblemHandler | None = None,
        on_progress: ProgressHandler | None = None,
    ) -> ImportReport:
        """Import a CSV or NDJSON endpoint file (see `herald.audience`)."""
        return await import_endpoints(
            self.database,
            path,
            file_format=file_format,
            segment=segment,
            source=source,
            on_problem=on_problem,
            on_progress=on_progress,
        )

    # events

    async def put_events(self, events: Sequence[Event]) -> list[EventResult]:
        """Record a batch; each event is accepted or rejected (unknown endpoint or user) on
        its own. Events not yet routed are routed to journeys as `put_event` routes one; a
        batch cut short by Temporal is routed on from where it stopped when it is retried."""
        async with self.database.session() as session:
            done = await event_store.routed(session, [e.id for e in events if e.id])
            results = await event_store.put_events(session, events)
        routed: list[str] = []
        try:
            for event, result in zip(events, results, strict=True):
                if result.status == "ACCEPTED" and result.id not in done:
                    await self._route(event, result.id)
                    routed.append(result.id)
        finally:
            async with self.database.session() as session:
                await event_store.mark_routed(session, routed)
        return results

    async def _route(self, event: Event, event_id: str) -> None:
        """Overridden by HeraldClient, which knows the journeys."""

    # segments

    async def segment(self, name: str) -> tuple[Segment, int]:
        """The segment's definition and version."""
        async with self.database.session() as session:
            found = await segment_store.get_segment_version(session, name)
        if found is None:
            raise _not_found(f"segment {name!r} does not exist; `herald apply` it first")
        return found

    async def segments(self) -> list[SegmentSummary]:
        async with self.database.session() as session:
            stored = await segment_store.list_segments(session)
        return [
            SegmentSummary(
                name=s.name,
                version=version,
                type=s.type,
                description=s.description,
                rules=len(s.rules),
                imported_members=(s.imported.endpoints + s.imported.users) if s.imported else None,
            )
            for s, version in stored
        ]

    async def segment_count(
        self,
        name: str,
        *,
        include_unreachable: bool = False,
        users: bool = False,
        now: datetime | None = None,
    ) -> int:
        """Members in the send set (or all, with include_unreachable); or distinct users."""
        segment, _ = await self.segment(name)
        count = count_users if users else count_members
        async with self.database.session() as session:
            return await count(session, segment, include_unreachable=include_unreachable, now=now)

    async def segment_members(
        self,
        name: str,
        *,
        after: str = "",
        limit: int = 500,
        include_unreachable: bool = False,
        users: bool = False,
        now: datetime | None = None,
    ) -> MembersPage:
        segment, _ = await self.segment(name)
        page = page_users if users else page_members
        async with self.database.session() as session:
            ids = await page(
                session,
                segment,
                after=after,
                limit=limit,
                include_unreachable=include_unreachable,
                now=now,
            )
        return MembersPage(segment=name, ids=ids, next=ids[-1] if len(ids) == limit else None)

    async def segment_pages(
        self,
        name: str,
        *,
        page_size: int = 1000,
        include_unreachable: bool = False,
        now: datetime | None = None,
    ) -> AsyncIterator[list[str]]:
        """Every member id, a page at a time (keyset paging: each page is one short query).
        `now` is fixed for the whole walk, so time windows do not move under it."""
        segment, _ = await self.segment(name)
        moment = now or datetime.now().astimezone()
        after = ""
        while True:
            async with self.database.session() as session:
                ids = await page_members(
                    session,
                    segment,
                    after=after,
                    limit=page_size,
                    include_unreachable=include_unreachable,
                    now=moment,
                )
            if ids:
                yield ids
            if len(ids) < page_size:
                return
            after = ids[-1]
