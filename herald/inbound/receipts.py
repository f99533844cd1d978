"""Delivery receipts become engagement events on the message's endpoint, once each.

The message is found by the idempotency key Herald gave the provider (Twilio's callback
URL carries it) or by the provider's message id (SES, End User Messaging). A hard bounce or
a complaint also suppresses the address the message went to, so no later send goes to it.

That address is the one the message log recorded when it was handed to the provider, not
the endpoint's address when the receipt arrives (a bounce comes minutes or hours late, the
customer may have corrected the address meanwhile); for a message logged without one
(before revision 0018), the provider's recipient; the endpoint's address only when neither
is known. The endpoint is marked (INACTIVE, opted out) only while its address is still that
one (`mark_unreachable`).

A message without an endpoint row (a transactional send to a raw address, a one-time
password: logged with the address as its endpoint id) has its address suppressed all the
same; having no endpoint, its receipt is no engagement event but is written on its message
log row (`reason`), as `client.messages()` shows it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Awaitable, Callable

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from herald.inbound.models import Receipt
from herald.models import Event, MessageChannel
from herald.store import Database
from herald.store.messages import note_receipt
from herald.store.suppressions import mark_unreachable
from herald.store.tables import EndpointRow, MessageRow


async def record_receipt(
    database: Database, put_event: Callable[[Event], Awaitable[str]], receipt: Receipt
) -> str | None:
    """Record the receipt; returns its event's id (for a message without an endpoint, the
    id the receipt goes by, recorded on the message log only), or None when no message of
    Herald's matches (a message sent by something else on the same account)."""
    async with database.session() as session:
        message = await _message(session, receipt)
        if message is None:
            return None
        endpoint_address = (
            await session.execute(
                select(EndpointRow.address).where(EndpointRow.id == message.endpoint_id)
            )
        ).scalar_one_or_none()
        if receipt.suppress is not None:
            address = message.address or receipt.recipient or endpoint_address
            if address is not None:
                await mark_unreachable(
                    session,
                    endpoint_id=message.endpoint_id,
                    channel=MessageChannel(message.channel),
                    address=address,
                    problem=receipt.suppress,
                    detail=receipt.detail or receipt.event_type,
                )
        event = _event(message, receipt)
        if endpoint_address is None:
            # No endpoint to record an event on: answered as recorded all the same (the
            # provider would retry anything else for days).
            note = f"receipt {receipt.event_type}: {receipt.detail or receipt.event_type}"
            await note_receipt(session, message.idempotency_key, note[:500])
            return event.id
    return await put_event(event)


def _event(message: MessageRow, receipt: Receipt) -> Event:
    source = f"{receipt.provider}:{receipt.receipt_id}:{receipt.event_type}"
    attributes = {
        "message_id": message.provider_message_id or "",
        "journey_id": message.journey or "",
        "journey_activity_id": message.step_id or "",
        "campaign_id": message.campaign or "",
        "detail": (receipt.detail or "")[:500],
    }
    return Event(
        id="rc-" + hashlib.sha256(source.encode()).hexdigest()[:48],
        endpoint_id=message.endpoint_id,
        event_type=receipt.event_type,
        timestamp=receipt.timestamp,
        attributes={k: v for k, v in attributes.items() if v},
    )


async def _message(session: AsyncSession, receipt: Receipt) -> MessageRow | None:
    if receipt.idempotency_key:
        where = MessageRow.idempotency_key == receipt.idempotency_key
    elif receipt.provider_message_id:
        where = MessageRow.provider_message_id == receipt.provider_message_id
    else:
        return None
    return (await session.execute(select(MessageRow).where(where).limit(1))).scalar_one_or_none()
