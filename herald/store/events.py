"""Events: app events put by clients and engagement events Herald records itself.

An event recorded for an endpoint is also attributed to the user the endpoint has at that
moment, so a segment can count a user's events across all of their endpoints.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any, Literal

from sqlalchemy import insert, literal, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from herald.models import Event
from herald.models.base import HeraldModel
from herald.store.analytics_tables import StreamOutboxRow, StreamSinkRow
from herald.store.clock import aware, utcnow
from herald.store.dialect import insert_for
from herald.store.tables import EndpointRow, EventRow
from herald.store.users import CHUNK


class EventResult(HeraldModel):
    """What happened to one event of a batch: recorded (a repeated id counts as recorded,
    once) or rejected with the reason."""

    id: str
    status: Literal["ACCEPTED", "REJECTED"]
    reason: str | None = None


async def put_event(
    session: AsyncSession,
    event: Event,
    *,
    users: Mapping[str, str | None] | None = None,
    routable: bool = True,
) -> str:
    """Record an event once: a repeated id (a client retry) is ignored. Returns the id.

    `users`: endpoint id -> its user id, when the caller has it (spares a lookup).
    `routable=False`: an event Herald records of itself (a send, a holdout), which is never
    brought to journeys; recorded as routed, so the unrouted-event sweep leaves it."""
    if users is None:
        users = await _endpoint_users(session, [event.endpoint_id] if event.endpoint_id else [])
    row = _row(event, users, event.id or uuid.uuid4().hex, routable)
    await _insert(session, [row])
    return str(row["id"])


async def put_events(
    session: AsyncSession, events: Sequence[Event], *, routable: bool = True
) -> list[EventResult]:
    """Record a batch. Events naming an endpoint or user that does not exist are rejected;
    the others are recorded. `routable` as for `put_event`."""
    results, users = await _checked(session, events)
    rows = [
        _row(event, users, result.id, routable)
        for event, result in zip(events, results, strict=True)
        if result.status == "ACCEPTED"
    ]
    await _insert(session, rows)
    return results


async def routed(session: AsyncSession, ids: Sequence[str]) -> set[str]:
    """Of these event ids, the ones recorded and already routed: a repeat of one of them is
    a duplicate. One recorded but not routed (Temporal was down) is routed on its retry."""
    found: set[str] = set()
    for start in range(0, len(ids), CHUNK):
        chunk = list(ids[start : start + CHUNK])
        rows = await session.execute(
            select(EventRow.id).where(EventRow.id.in_(chunk), EventRow.routed_at.is_not(None))
        )
        found.update(rows.scalars())
    return found


async def mark_routed(session: AsyncSession, ids: Sequence[str]) -> None:
    for start in range(0, len(ids), CHUNK):
        chunk = list(ids[start : start + CHUNK])
        await session.execute(
            update(EventRow).where(EventRow.id.in_(chunk)).values(routed_at=utcnow())
        )


async def claim_unrouted(
    session: AsyncSession, *, received_after: datetime, received_before: datetime, limit: int
) -> list[Event]:
    """Up to `limit` events recorded but not routed, received in the window, oldest first,
    marked routed in this transaction: a sweeper on another worker does not take them too.
    One whose routing then fails is handed back with `release_unrouted`."""
    wanted = await session.execute(
        select(EventRow.id)
        .where(
            EventRow.routed_at.is_(None),
            EventRow.received_at > received_after,
            EventRow.received_at < received_before,
        )
        .order_by(EventRow.received_at, EventRow.id)
        .limit(limit)
    )
    ids = list(wanted.scalars())
    if not ids:
        return []
    # Re-checked in the UPDATE: of two sweepers, the second finds the rows taken.
    taken = await session.execute(
        update(EventRow)
        .where(EventRow.id.in_(ids), EventRow.routed_at.is_(None))
        .values(routed_at=utcnow())
        .returning(EventRow.id)
    )
    claimed = set(taken.scalars())
    rows = await session.execute(select(EventRow).where(EventRow.id.in_(claimed)))
    return sorted((event_of(r) for r in rows.scalars()), key=lambda e: ids.index(e.id or ""))


async def release_unrouted(session: AsyncSession, ids: Sequence[str]) -> None:
    """Mark claimed events unrouted again (their routing failed): the next sweep takes them."""
    for start in range(0, len(ids), CHUNK):
        chunk = list(ids[start : start + CHUNK])
        await session.execute(update(EventRow).where(EventRow.id.in_(chunk)).values(routed_at=None))


async def check_events(session: AsyncSession, events: Sequence[Event]) -> list[EventResult]:
    """What `put_events` would answer for each event, without recording anything."""
    results, _ = await _checked(session, events)
    return results


async def _checked(
    session: AsyncSession, events: Sequence[Event]
) -> tuple[list[EventResult], dict[str, str | None]]:
    endpoint_ids = list({e.endpoint_id for e in events if e.endpoint_id})
    users = await _endpoint_users(session, endpoint_ids)
    known_users = await _existing_users(session, [e.user_id for e in events if e.user_id])
    results = []
    for event in events:
        reason = _missing(event, users, known_users)
        status: Literal["ACCEPTED", "REJECTED"] = "REJECTED" if reason else "ACCEPTED"
        results.append(EventResult(id=event.id or uuid.uuid4().hex, status=status, reason=reason))
    return results, users


def _missing(event: Event, users: dict[str, str | None], known_users: set[str]) -> str | None:
    if event.endpoint_id and event.endpoint_id not in users:
        return f"endpoint {event.endpoint_id!r} does not exist"
    # Checked with an endpoint too: the event is recorded for the user given, and a journey
    # whose participants are users would enter one that no endpoint can reach.
    if event.user_id is not None and event.user_id not in known_users:
        return f"user {event.user_id!r} does not exist (no endpoint has that user id)"
    return None


def _row(
    event: Event, users: Mapping[str, str | None], event_id: str, routable: bool
) -> dict[str, Any]:
    user_id = event.user_id
    if user_id is None and event.endpoint_id:
        user_id = users.get(event.endpoint_id)
    received = utcnow()
    return {
        "id": event_id,
        "endpoint_id": event.endpoint_id,
        "user_id": user_id,
        "event_type": event.event_type,
        "timestamp": event.timestamp,
        "attributes": event.attributes,
        "metrics": event.metrics,
        "session_id": event.session_id,
        "received_at": received,
        "routed_at": None if routable else received,
    }


async def _insert(session: AsyncSession, rows: list[dict[str, Any]]) -> None:
    if rows:
        stmt = insert_for(session, EventRow.__table__).on_conflict_do_nothing(index_elements=["id"])
        # Only the events this insert recorded (not a repeated id) go to the stream sinks.
        new = await session.execute(stmt.returning(EventRow.__table__.c.id), rows)
        await enqueue(session, list(new.scalars()))


async def enqueue(session: AsyncSession, event_ids: Sequence[str]) -> None:
    """Queue newly recorded events for every registered stream sink, in this transaction:
    an event is never recorded without being queued. No sink registered: nothing queued."""
    if not event_ids:
        return
    now = literal(utcnow(), StreamOutboxRow.created_at.type)
    source = (
        select(StreamSinkRow.name, EventRow.id, now)
        .join(EventRow, EventRow.id.in_(list(event_ids)))
        .order_by(StreamSinkRow.name, EventRow.timestamp, EventRow.id)
    )
    await session.execute(
        insert(StreamOutboxRow).from_select(["sink", "event_id", "created_at"], source)
    )


async def _endpoint_users(session: AsyncSession, ids: Sequence[str]) -> dict[str, str | None]:
    """endpoint id -> its user id, for the endpoints that exist."""
    found: dict[str, str | None] = {}
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        result = await session.execute(
            select(EndpointRow.id, EndpointRow.user_id).where(EndpointRow.id.in_(chunk))
        )
        found.update({endpoint_id: user_id for endpoint_id, user_id in result})
    return found


async def _existing_users(session: AsyncSession, ids: Sequence[str]) -> set[str]:
    """The user ids among `ids` that some endpoint has. Not the users table: a row there
    can outlive the user's endpoints (a user-only import row makes one with none)."""
    wanted = list(set(ids))
    found: set[str] = set()
    for start in range(0, len(wanted), CHUNK):
        chunk = wanted[start : start + CHUNK]
        result = await session.execute(
            select(EndpointRow.user_id).where(EndpointRow.user_id.in_(chunk)).distinct()
        )
        found.update(u for u in result.scalars() if u is not None)
    return found


async def list_events(
    session: AsyncSession,
    endpoint_id: str | None = None,
    event_type: str | None = None,
    *,
    user_id: str | None = None,
    limit: int | None = None,
) -> list[Event]:
    query = select(EventRow).order_by(EventRow.timestamp, EventRow.id)
    if endpoint_id:
        query = query.where(EventRow.endpoint_id == endpoint_id)
    if user_id:
        query = query.where(EventRow.user_id == user_id)
    if event_type:
        query = query.where(EventRow.event_type == event_type)
    if limit is not None:
        query = query.limit(limit)
    return [event_of(r) for r in (await session.execute(query)).scalars()]


def event_of(row: EventRow) -> Event:
    return Event(
        id=row.id,
        endpoint_id=row.endpoint_id,
        user_id=row.user_id,
        event_type=row.event_type,
        timestamp=aware(row.timestamp),
        attributes=row.attributes,
        metrics=row.metrics,
        session_id=row.session_id,
    )
