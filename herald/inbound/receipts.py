"""Delivery receipts become engagement events on the message's endpoint, once each.

The message is found by the idempotency key Herald gave the provider (Twilio's callback
URL carries it) or by the provider's message id (SES, End User Messaging). A hard bounce or
a complaint also suppresses the address, so no later send goes to it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Awaitable, Callable

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from herald.inbound.models import Receipt
from herald.models import Event, MessageChannel
from herald.store import Database
from herald.store.endpoints import get_endpoint
from herald.store.suppressions import mark_unreachable
from herald.store.tables import MessageRow


async def record_receipt(
    database: Database, put_event: Callable[[Event], Awaitable[str]], receipt: Receipt
) -> str | None:
    """Record the receipt's event; returns its id, or None when no message of Herald's
    matches (a message sent by something else on the same account)."""
    async with database.session() as session:
        message = await _message(session, receipt)
        if message is None:
            return None
        if receipt.suppress is not None:
            endpoint = await get_endpoint(session, message.endpoint_id)
            if endpoint is not None:
                await mark_unreachable(
                    session,
                    endpoint_id=endpoint.id,
                    channel=MessageChannel(message.channel),
                    address=endpoint.address,
                    problem=receipt.suppress,
                    detail=receipt.detail or receipt.event_type,
                )
    source = f"{receipt.provider}:{receipt.receipt_id}:{receipt.event_type}"
    attributes = {
        "message_id": message.provider_message_id or "",
        "journey_id": message.journey or "",
        "journey_activity_id": message.step_id or "",
        "campaign_id": message.campaign or "",
        "detail": (receipt.detail or "")[:500],
    }
    return await put_event(
        Event(
            id="rc-" + hashlib.sha256(source.encode()).hexdigest()[:48],
            endpoint_id=message.endpoint_id,
            event_type=receipt.event_type,
            timestamp=receipt.timestamp,
            attributes={k: v for k, v in attributes.items() if v},
        )
    )


async def _message(session: AsyncSession, receipt: Receipt) -> MessageRow | None:
    if receipt.idempotency_key:
        where = MessageRow.idempotency_key == receipt.idempotency_key
    elif receipt.provider_message_id:
        where = MessageRow.provider_message_id == receipt.provider_message_id
    else:
        return None
    return (await session.execute(select(MessageRow).where(where).limit(1))).scalar_one_or_none()
