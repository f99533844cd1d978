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
