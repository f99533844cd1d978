"""Rendered message parts per channel: what a provider receives.

`RenderedMessage` keeps the common parts flat (subject, html, text, body) and the
channel-specific options in one nested model per channel, shaped on Pinpoint's message
types (EmailMessage, SMSMessage, VoiceMessage, push Message with APNs/GCM overrides,
InAppMessageContent).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import Field

from herald.models.base import HeraldModel


class SmsOptions(HeraldModel):
    message_type: Literal["TRANSACTIONAL", "PROMOTIONAL"] = "TRANSACTIONAL"
    origination_number: str | None = None
    sender_id: str | None = None
    keyword: str | None = None
    entity_id: str | None = None
    template_id: str | None = None


class VoiceOptions(HeraldModel):
    ssml: bool = Field(default=False, description="`body` is SSML rather than plain text.")
    language_code: str = "en-US"
    voice_id: str | None = None
    origination_number: str | None = None


class PushOptions(HeraldModel):
    action: Literal["OPEN_APP", "DEEP_LINK", "URL"] = "OPEN_APP"
    url: str | None = None
    image_url: str | None = None
    sound: str | None = None
    silent: bool = False
    data: dict[str, str] = Field(default_factory=dict)
    time_to_live: int | None = Field(default=None, ge=0, description="Seconds.")
    apns: dict[str, Any] = Field(default_factory=dict, description="Merged into the APNs payload.")
    fcm: dict[str, Any] = Field(default_factory=dict, description="Merged into the FCM message.")


class InAppButton(HeraldModel):
    text: str
    action: Literal["CLOSE", "DEEP_LINK", "LINK"] = "CLOSE"
    link: str | None = None
    background_color: str | None = None
    text_color: str | None = None
    border_radius: int | None = Field(default=None, ge=0)


class InAppParts(HeraldModel):
    """What an in-app message shows: an in-app template and its rendered message share it."""

    layout: Literal[
        "BOTTOM_BANNER", "TOP_BANNER", "OVERLAYS", "MOBILE_FEED", "MIDDLE_BANNER", "CAROUSEL"
    ] = "MIDDLE_BANNER"
    header: str | None = None
    body: str | None = None
    image_url: str | None = None
    background_color: str | None = None
    header_color: str | None = None
    body_color: str | None = None
    header_alignment: Literal["LEFT", "CENTER", "RIGHT"] | None = None
    body_alignment: Literal["LEFT", "CENTER", "RIGHT"] | None = None
    buttons: list[InAppButton] = Field(default_factory=list, max_length=2)
    priority: int = Field(default=0, description="Higher shows first.")
    custom_config: dict[str, str] = Field(default_factory=dict)


class InAppContent(InAppParts):
    expires_at: datetime | None = None


class RenderedMessage(HeraldModel):
    """The parts of a message after rendering, whatever the channel."""

    subject: str | None = None
    html: str | None = None
    text: str | None = None
    body: str | None = Field(default=None, description="SMS, voice, push or custom body.")
    title: str | None = Field(default=None, description="Push title.")
    from_address: str | None = None
    reply_to: list[str] = Field(default_factory=list)
    headers: dict[str, str] = Field(default_factory=dict)
    sms: SmsOptions | None = None
    voice: VoiceOptions | None = None
    push: PushOptions | None = None
    in_app: InAppContent | None = None
    data: dict[str, Any] = Field(default_factory=dict, description="Custom channel payload.")
