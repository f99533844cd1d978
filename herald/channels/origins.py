"""The identity a message goes out from, as each provider records it on its result.

A reply comes back to that identity, so the message log keeps it and replies are routed to
the journeys that sent from it (`herald.journeys.reply_origin`). For email that is where a
reply is addressed: the one Reply-To when the message sets one, else the From.
"""

from __future__ import annotations

from herald.models import MessageChannel, OutgoingMessage, RenderedMessage


def email_origin(content: RenderedMessage, sender: str) -> str | None:
    """The From `sender`, or the Reply-To a reply goes to instead; None when there are
    several Reply-To addresses (a reply may go to any of them)."""
    if len(content.reply_to) > 1:
        return None
    return content.reply_to[0] if content.reply_to else sender


def templated_origin(message: OutgoingMessage) -> str | None:
    """The origin the rendered message names itself (its template's), or None: what the
    local outbox records, having no sender settings of its own."""
    content = message.content
    if message.channel is MessageChannel.EMAIL:
        return email_origin(content, content.from_address) if content.from_address else None
    if message.channel is MessageChannel.SMS and content.sms is not None:
        return content.sms.origination_number or content.sms.sender_id
    if message.channel is MessageChannel.VOICE and content.voice is not None:
        return content.voice.origination_number
    return None
