"""Answering a keyword (STOP, START, HELP): one SMS back, recorded once per inbound message.

Sent straight through the SMS provider, not a journey: the person may have just opted out,
and the confirmation of that opt-out must still go out (carriers require it).
"""

from __future__ import annotations

from herald.channels import ChannelRegistry
from herald.delivery import RetryableSendError
from herald.models import (
    DeliveryStatus,
    MessageChannel,
    MessageStatus,
    OutgoingMessage,
    RenderedMessage,
    SmsOptions,
)
from herald.store import Database
from herald.store.inbound import KEYWORD_REPLY_PREFIX
from herald.store.messages import claim_message, finish_message


async def send_keyword_reply(
    database: Database,
    channels: ChannelRegistry,
    *,
    inbound_id: int,
    endpoint_id: str,
    to: str,
    from_number: str | None,
    text: str,
) -> MessageStatus:
    key = f"{KEYWORD_REPLY_PREFIX}{inbound_id}"
    async with database.session() as session:
        record = await claim_message(
            session, idempotency_key=key, channel=MessageChannel.SMS, endpoint_id=endpoint_id
        )
    if record.status is not MessageStatus.PENDING:
        return record.status  # answered before this retry
    options = SmsOptions(message_type="TRANSACTIONAL", origination_number=from_number)
    message = OutgoingMessage(
        idempotency_key=key,
        channel=MessageChannel.SMS,
        endpoint_id=endpoint_id,
        address=to,
        content=RenderedMessage(body=text, sms=options),
    )
    provider = channels.for_channel(MessageChannel.SMS)
    [result] = await provider.send([message])
    if result.status is DeliveryStatus.RETRYABLE:
        # Left PENDING: the webhook answers 503 and the provider's retry sends it.
        raise RetryableSendError(f"keyword reply: {result.reason}", result.retry_after)
    status = (
        MessageStatus.SENT if result.status is DeliveryStatus.ACCEPTED else MessageStatus.FAILED
    )
    async with database.session() as session:
        await finish_message(
            session,
            key,
            status,
            provider=result.provider,
            provider_message_id=result.provider_message_id,
            origin=result.origin,
            reason=result.reason,
        )
    return status
