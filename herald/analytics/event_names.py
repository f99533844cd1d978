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
CAMPAIGN_SEND = "_campaign.send"

# Every engagement event Herald records or takes from a provider, by channel, in the names
# Pinpoint's event streams used; app events are any name without a leading `_`.
EMAIL_EVENTS = (
    "_email.send",
    "_email.delivered",
    "_email.open",
    "_email.click",
    "_email.hardbounce",
    "_email.softbounce",
    "_email.complaint",
    "_email.rejected",
    "_email.unsubscribe",
    "_email.reply",
)
SMS_EVENTS = ("_SMS.BUFFERED", "_SMS.SUCCESS", "_SMS.FAILURE", "_SMS.OPTOUT", "_SMS.RECEIVED")
PUSH_EVENTS = ("_push.send", "_push.delivered", "_push.open", "_push.click", "_push.failure")
VOICE_EVENTS = ("_voice.send", "_voice.delivered", "_voice.failure", "_voice.optout")
IN_APP_EVENTS = ("_inapp.send", "_inapp.opened", "_inapp.click", "_inapp.dismissed")
CUSTOM_EVENTS = ("_custom.send", "_custom.delivered", "_custom.failure")
MESSAGE_EVENTS = (CAMPAIGN_SEND, JOURNEY_SEND)

# What the metrics count besides the engagement above.
OPTED_OUT_EVENTS = frozenset(
    {"_email.unsubscribe", "_SMS.OPTOUT", "_voice.optout", "_email.complaint"}
)


def channel_of(event_type: str) -> str | None:
    """The channel an engagement event belongs to (EMAIL, SMS, ...); None for app events and
    the channel-less `_campaign.send` / `_journey.send`."""
    prefix = event_type.split(".", 1)[0]
    return {
        "_email": "EMAIL",
        "_SMS": "SMS",
        "_push": "PUSH",
        "_voice": "VOICE",
        "_inapp": "IN_APP",
        "_custom": "CUSTOM",
    }.get(prefix)


# A campaign member held out of the campaign (no message): recorded by the campaign with the
# `campaign_id` attribute, so its treatments are compared against the members it left alone.
HOLDOUT_EVENT = "_campaign.holdout"
SEND_EVENTS = frozenset({*SEND_EVENT.values(), CAMPAIGN_SEND, JOURNEY_SEND})
