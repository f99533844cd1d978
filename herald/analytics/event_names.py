"""Engagement event names, as Pinpoint's event streams spell them."""

from __future__ import annotations

from herald.models import MessageChannel

SEND_EVENT = {
    MessageChannel.EMAIL: "_email.send",
    MessageChannel.SMS: "_SMS.BUFFERED",
    MessageChannel.VOICE: "_voice.send",
    MessageChannel.PUSH: "_push.send",
    MessageChannel.IN_APP: "_inapp.send",
    MessageChannel.CUSTOM: "_custom.send",
}
JOURNEY_SEND = "_journey.send"

# Engagement with a message, by the event names the channels record.
ENGAGEMENT_EVENTS: dict[str, frozenset[str]] = {
    "delivered": frozenset(
        {"_email.delivered", "_SMS.SUCCESS", "_push.delivered", "_voice.delivered"}
    ),
    "opened": frozenset({"_email.open", "_push.open", "_inapp.opened"}),
    "clicked": frozenset({"_email.click", "_push.click", "_inapp.click"}),
    "replied": frozenset({"_SMS.RECEIVED", "_email.reply"}),
    "bounced": frozenset({"_email.hardbounce", "_email.softbounce", "_SMS.FAILURE"}),
}
