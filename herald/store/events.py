"""Events: app events put by clients and engagement events Herald records itself."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from herald.models import Event
from herald.store.clock import aware, utcnow
from herald.store.dialect import insert_for
from herald.store.tables import EventRow


async def put_event(session: AsyncSession, event: Event) -> str:
    """Record an event once: a repeated id (a client retry) is ignored. Returns the id."""
    event_id = event.id or uuid.uuid4().hex
    stmt = insert_for(session, EventRow).values(
        id=event_id,
        endpoint_id=event.endpoint_id,
        event_type=event.event_type,
        timestamp=event.timestamp,
        attributes=event.attributes,
        metrics=event.metrics,
        session_id=event.session_id,
        received_at=utcnow(),
    )
    await session.execute(stmt.on_conflict_do_nothing(index_elements=["id"]))
    return event_id


async def list_events(
    session: AsyncSession, endpoint_id: str | None = None, event_type: str | None = None
) -> list[Event]:
    query = select(EventRow).order_by(EventRow.timestamp, EventRow.id)
    if endpoint_id:
        query = query.where(EventRow.endpoint_id == endpoint_id)
    if event_type:
        query = query.where(EventRow.event_type == event_type)
    rows = (await session.execute(query)).scalars()
    return [
        Event(
            id=r.id,
            endpoint_id=r.endpoint_id,
            event_type=r.event_type,
            timestamp=aware(r.timestamp),
            attributes=r.attributes,
            metrics=r.metrics,
            session_id=r.session_id,
        )
        for r in rows
    ]
