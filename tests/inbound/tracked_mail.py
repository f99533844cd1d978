"""Tracked email as the worker sends it: through the tracking provider into the outbox, with
its message log row, to an endpoint or to a raw address (a transactional send)."""

from __future__ import annotations

import re

from herald.channels.outbox import OutboxProvider
from herald.client import HeraldClient
from herald.models import (
    Endpoint,
    MessageChannel,
    MessageStatus,
    OutboxMessage,
    OutgoingMessage,
    RenderedMessage,
)
from herald.settings import Settings
from herald.store.messages import claim_message, finish_message
from herald.tracking.provider import TrackingProvider
from tests.inbound.conftest import call

EVE = "eve@example.com"


def add_eve(settings: Settings) -> None:
    eve = Endpoint.model_validate({"Id": "eve", "ChannelType": "EMAIL", "Address": EVE})
    call(settings, lambda h: h.upsert_endpoints([eve]))


async def send_tracked(
    herald: HeraldClient,
    base: str,
    html: str,
    *,
    key: str = "k-mail",
    endpoint_id: str = "eve",
    address: str = EVE,
) -> OutboxMessage:
    """Send `html` tracked (links through `base`) and log it SENT to `address`. A raw
    address is its own `endpoint_id`, as the message log names such a send
    (herald/transactional/plan.py:_plan_address), and no endpoint has it."""
    two_way = herald.settings.two_way.model_copy(update={"public_url": base})
    provider = TrackingProvider(OutboxProvider(herald.database), two_way, herald.database)
    message = OutgoingMessage(
        idempotency_key=key,
        channel=MessageChannel.EMAIL,
        endpoint_id=endpoint_id,
        address=address,
        content=RenderedMessage(subject="Hello", html=html, text="Hello"),
    )
    async with herald.database.session() as session:
        await claim_message(
            session, idempotency_key=key, channel=MessageChannel.EMAIL, endpoint_id=endpoint_id
        )
    [result] = await provider.send([message])
    async with herald.database.session() as session:
        await finish_message(
            session,
            key,
            MessageStatus.SENT,
            provider=result.provider,
            provider_message_id=result.provider_message_id,
            address=address,
        )
    [kept] = [m for m in await herald.outbox(endpoint_id=endpoint_id) if m.idempotency_key == key]
    return kept


def links(kept: OutboxMessage) -> tuple[list[str], str, str]:
    """The mail's tracked links, its open pixel and its unsubscribe URL."""
    html = kept.content.html or ""
    [pixel] = re.findall(r'<img src="([^"]+)"', html)
    hrefs = [h.replace("&amp;", "&") for h in re.findall(r'\shref="([^"]+)"', html)]
    return hrefs, pixel, kept.content.headers["List-Unsubscribe"].strip("<>")
