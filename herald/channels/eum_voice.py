"""Voice messages through AWS End User Messaging: `pinpoint-sms-voice-v2` SendVoiceMessage."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from botocore.exceptions import BotoCoreError, ClientError

from herald.channels import aws, eum
from herald.channels.config_aws import EndUserMessagingVoiceSettings
from herald.channels.results import accepted, invalid_phone, permanent
from herald.models import DeliveryResult, OutgoingMessage, VoiceOptions

if TYPE_CHECKING:
    from mypy_boto3_pinpoint_sms_voice_v2.client import PinpointSMSVoiceV2Client

NO_ORIGIN = (
    "no origination identity: set origination_number on the template or "
    "HERALD_CHANNELS__VOICE__ORIGINATION_IDENTITY"
)


class EndUserMessagingVoiceProvider:
    name = "eum-voice"

    def __init__(self, settings: EndUserMessagingVoiceSettings) -> None:
        self._settings = settings
        self._client: PinpointSMSVoiceV2Client = aws.make_client(
            "pinpoint-sms-voice-v2", settings.aws, settings.timeout
        )

    async def send(self, messages: Sequence[OutgoingMessage]) -> list[DeliveryResult]:
        return [await self._send_one(m) for m in messages]

    async def _send_one(self, message: OutgoingMessage) -> DeliveryResult:
        refused = invalid_phone(message, self.name)
        if refused:
            return refused
        voice = message.content.voice or VoiceOptions()
        origin = voice.origination_number or self._settings.origination_identity
        if not origin:
            return permanent(message, self.name, NO_ORIGIN)
        if not message.content.body:
            return permanent(message, self.name, "the voice message has no body")
        request = self._request(message, message.content.body, voice, origin)
        try:
            reply = await asyncio.to_thread(self._client.send_voice_message, **request)
        except (ClientError, BotoCoreError) as exc:
            return eum.failure(message, self.name, exc, "VOICE")
        return accepted(message, self.name, reply["MessageId"], origin)

    def _request(
        self, message: OutgoingMessage, body: str, voice: VoiceOptions, origin: str
    ) -> dict[str, Any]:
        settings = self._settings
        request: dict[str, Any] = {
            "DestinationPhoneNumber": message.address,
            "OriginationIdentity": origin,
            "MessageBody": body,
            "MessageBodyTextType": "SSML" if voice.ssml else "TEXT",
            "Context": eum.context(message),
        }
        optional = {
            "VoiceId": (voice.voice_id or settings.voice_id or "").upper() or None,
            "ConfigurationSetName": settings.configuration_set,
            "MaxPricePerMinute": settings.max_price_per_minute,
            "TimeToLive": settings.time_to_live,
        }
        request.update({k: v for k, v in optional.items() if v is not None})
        return request
