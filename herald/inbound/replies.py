"""Handling one reply: keywords first, then the journeys waiting for it, and always a record.

STOP (and the other opt-out words) opts every endpoint with the sender's address out and
suppresses the address, so the next send of any journey or campaign skips it; START and
UNSTOP undo that; HELP answers with the number's help text. Any other reply is recorded as
an event (`_SMS.RECEIVED` / `_email.reply`, which can enter event-triggered journeys) and
signalled to the participant's journeys that wait in `wait_for_reply`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from herald.channels import ChannelRegistry
from herald.inbound.keyword_reply import send_keyword_reply
from herald.inbound.models import InboundMessage, InboundOutcome, InboundResult
from herald.inbound.settings import Keywords, TwoWaySettings
from herald.models import Event, MessageChannel
from herald.models.journey_run import ReplySignal
from herald.models.reply_words import keyword_form
from herald.store import Database
from herald.store.inbound import (
    answered_messages,
    claim_inbound,
    endpoints_at,
    finish_inbound,
    set_opt_out,
)

REPLY_EVENT = {"SMS": "_SMS.RECEIVED", "EMAIL": "_email.reply"}
OPT_OUT_EVENT = "_SMS.OPTOUT"
OPT_IN_EVENT = "_SMS.OPTIN"


@dataclass
class InboundContext:
    database: Database
    settings: TwoWaySettings
    channels: Callable[[], ChannelRegistry]
    put_event: Callable[[Event], Awaitable[str]]
    deliver_reply: Callable[[str, ReplySignal], Awaitable[int]]


async def receive(ctx: InboundContext, message: InboundMessage) -> InboundResult:
    async with ctx.database.session() as session:
        inbound_id, pending = await claim_inbound(session, message)
        endpoint_ids = await endpoints_at(session, message.channel, message.from_address)
    if not pending:
        return InboundResult(id=inbound_id, outcome=InboundOutcome.DUPLICATE)
    result = await _handle(ctx, inbound_id, message, endpoint_ids)
    async with ctx.database.session() as session:
        await finish_inbound(session, result)
    return result


async def _handle(
    ctx: InboundContext, inbound_id: int, message: InboundMessage, endpoint_ids: list[str]
) -> InboundResult:
    keywords = ctx.settings.keywords_for(message.to_address)
    word = first_word(message.text)
    result = InboundResult(id=inbound_id, outcome=InboundOutcome.STORED, endpoint_ids=endpoint_ids)
    if message.channel == "SMS" and word in _all(keywords):
        return await _keyword(ctx, result, message, word, keywords)
    if not endpoint_ids:
        return result.model_copy(update={"outcome": InboundOutcome.UNKNOWN_SENDER})
    reply = ReplySignal(
        id=f"{message.provider}:{message.provider_message_id}",
        channel=message.channel,
        text=message.text,
        from_address=message.from_address,
        to_address=message.to_address,
        received_at=message.received_at,
    )
    async with ctx.database.session() as session:
        answered = await answered_messages(session, message.channel, endpoint_ids)
    routed = 0
    for endpoint_id in endpoint_ids:
        # The message it answers, as engagement events name theirs: splits and segments on
        # "replied" to a step or campaign find it by that.
        key, provider_id = answered.get(endpoint_id, ("", None))
        refs = {"message_key": key, "message_id": provider_id or ""}
        event = _event(message, endpoint_id, REPLY_EVENT[message.channel], **refs)
        await ctx.put_event(event)
        routed += await ctx.deliver_reply(endpoint_id, reply)
    outcome = InboundOutcome.ROUTED if routed else InboundOutcome.STORED
    return result.model_copy(update={"outcome": outcome, "routed_to": routed})


async def _keyword(
    ctx: InboundContext,
    result: InboundResult,
    message: InboundMessage,
    word: str,
    keywords: Keywords,
) -> InboundResult:
    if word in _forms(keywords.help):
        outcome, answer, event_type = InboundOutcome.HELP, keywords.help_text, None
    else:
        out = word in _forms(keywords.opt_out)
        async with ctx.database.session() as session:
            await set_opt_out(
                session, MessageChannel.SMS, message.from_address, result.endpoint_ids, out
            )
        outcome = InboundOutcome.OPTED_OUT if out else InboundOutcome.OPTED_IN
        answer = keywords.opt_out_text if out else keywords.opt_in_text
        event_type = OPT_OUT_EVENT if out else OPT_IN_EVENT
    for endpoint_id in result.endpoint_ids:
        if event_type:
            await ctx.put_event(_event(message, endpoint_id, event_type, keyword=word))
    await send_keyword_reply(
        ctx.database,
        ctx.channels(),
        inbound_id=result.id,
        endpoint_id=result.endpoint_ids[0] if result.endpoint_ids else message.from_address,
        to=message.from_address,
        from_number=message.to_address,
        text=answer,
    )
    return result.model_copy(update={"outcome": outcome, "keyword": word})


def first_word(text: str) -> str:
    """The reply's first word as keywords are compared: see `keyword_form`."""
    words = text.strip().split()
    return keyword_form(words[0]) if words else ""


def _forms(words: list[str]) -> set[str]:
    return {keyword_form(w) for w in words}


def _all(keywords: Keywords) -> set[str]:
    return _forms(keywords.opt_out) | _forms(keywords.opt_in) | _forms(keywords.help)


def _event(message: InboundMessage, endpoint_id: str, event_type: str, **extra: str) -> Event:
    # The id comes from the provider's message id: a retried webhook records it once.
    source = f"{message.provider}:{message.provider_message_id}:{endpoint_id}:{event_type}"
    attributes = {
        "message_body": message.text[:1000],
        "origination_number": message.from_address,
        "destination_number": message.to_address or "",
        "provider": message.provider,
        **extra,
    }
    return Event(
        id="in-" + hashlib.sha256(source.encode()).hexdigest()[:48],
        endpoint_id=endpoint_id,
        event_type=event_type,
        timestamp=message.received_at,
        attributes={k: v for k, v in attributes.items() if v},
    )
