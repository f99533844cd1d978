"""A small audience (endpoints, events, messages, stored segments) and how to load it.

The property test and the dimension tests both describe data as a `World`; `load` writes it
through Herald's own store functions, so the SQL under test sees what production writes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy import delete, insert

from herald.models import Endpoint, Event, Segment
from herald.store import Database
from herald.store.endpoints import write_endpoints
from herald.store.events import put_events
from herald.store.segments import put_segment
from herald.store.tables import (
    EndpointAttributeRow,
    EndpointMetricRow,
    EndpointRow,
    EventRow,
    MessageRow,
    SegmentMemberRow,
    SegmentRow,
    UserAttributeRow,
    UserRow,
)

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
TABLES = (
    EndpointAttributeRow,
    EndpointMetricRow,
    EndpointRow,
    EventRow,
    MessageRow,
    SegmentMemberRow,
    SegmentRow,
    UserAttributeRow,
    UserRow,
)


@dataclass
class Message:
    """A row of the message log, as a send leaves it."""

    key: str
    endpoint_id: str
    status: str = "SENT"
    journey: str | None = None
    step_id: str | None = None
    campaign: str | None = None
    provider_message_id: str | None = None
    created_at: datetime = NOW


@dataclass
class World:
    endpoints: list[Endpoint] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    messages: list[Message] = field(default_factory=list)
    segments: list[Segment] = field(default_factory=list)

    def endpoint(self, endpoint_id: str) -> Endpoint:
        return next(e for e in self.endpoints if e.id == endpoint_id)


async def load(database: Database, world: World, *, reset: bool = False) -> None:
    async with database.session() as session:
        if reset:
            for table in TABLES:
                await session.execute(delete(table))
        await write_endpoints(session, world.endpoints)
        await put_events(session, world.events)
        for message in world.messages:
            await session.execute(insert(MessageRow).values(**_message_row(message)))
        for segment in world.segments:
            await put_segment(session, segment)


def _message_row(message: Message) -> dict[str, object]:
    return {
        "idempotency_key": message.key,
        "channel": "EMAIL",
        "endpoint_id": message.endpoint_id,
        "status": message.status,
        "journey": message.journey,
        "step_id": message.step_id,
        "campaign": message.campaign,
        "provider_message_id": message.provider_message_id,
        "created_at": message.created_at,
        "updated_at": message.created_at,
    }
