"""Engagement of messages: which engagement events name which message, counted once each.

Engagement events name their message in attributes `message_id` (the provider's id) or
`message_key` (Herald's idempotency key), as journey conditions read them.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from herald.analytics.event_names import ENGAGEMENT_EVENTS, OPTED_OUT_EVENTS
from herald.store.tables import EventRow, MessageRow

KIND_OF: dict[str, str] = {
    name: kind for kind, names in ENGAGEMENT_EVENTS.items() for name in names
} | {name: "opted_out" for name in OPTED_OUT_EVENTS}


def names_message(message: type[MessageRow] = MessageRow) -> ColumnElement[bool]:
    message_id = EventRow.attributes["message_id"].as_string()
    message_key = EventRow.attributes["message_key"].as_string()
    return or_(
        and_(message.provider_message_id.is_not(None), message_id == message.provider_message_id),
        message_key == message.idempotency_key,
    )


async def engaged_messages(session: AsyncSession, messages: Select[Any]) -> dict[str, set[str]]:
    """idempotency key -> the engagement kinds its message had, for the messages selected
    (a select of MessageRow.idempotency_key)."""
    keys = messages.subquery()
    query = (
        select(MessageRow.idempotency_key, EventRow.event_type)
        .join(keys, keys.c.idempotency_key == MessageRow.idempotency_key)
        .join(EventRow, and_(EventRow.endpoint_id == MessageRow.endpoint_id, names_message()))
        .where(EventRow.event_type.in_(sorted(KIND_OF)))
    )
    found: dict[str, set[str]] = {}
    for key, event_type in await session.execute(query):
        found.setdefault(key, set()).add(KIND_OF[event_type])
    return found


def kinds(found: dict[str, set[str]], keys: Iterable[str]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for key in keys:
        for kind in found.get(key, ()):
            counts[kind] = counts.get(kind, 0) + 1
    return counts
