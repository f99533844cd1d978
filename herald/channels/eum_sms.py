"""SMS through AWS End User Messaging SMS: `pinpoint-sms-voice-v2` SendTextMessage."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from botocore.exceptions import BotoCoreError, ClientError

from herald.channels import aws, eum
from herald.channels.config_aws import EndUserMessagingSmsSettings
from herald.channels.results import accepted, sms_body
from herald.models import DeliveryResult, OutgoingMessage, SmsOptions

if TYPE_CHECKING:
    from mypy_boto3_pinpoint_sms_voice_v2.client import PinpointSMSVoiceV2Client


class EndUserMessagingSmsProvider:
    name = "eum-sms"

    def __init__(self, settings: EndUserMessagingSmsSettings) -> None:
        self._settings = settings
        self._client: PinpointSMSVoiceV2Client = aws.make_client(
            "pinpoint-sms-voice-v2", settings.aws, settings.timeout
        )

    async def send(self, messages: Sequence[OutgoingMessage]) -> list[DeliveryResult]:
        return [await self._send_one(m) for m in messages]

    async def _send_one(self, message: OutgoingMessage) -> DeliveryResult:
        body = sms_body(message, self.name)
        if isinstance(body, DeliveryResult):
            return body
        request = self._request(message, body)
        try:
            reply = await asyncio.to_thread(self._client.send_text_message, **request)
        except (ClientError, BotoCoreError) as exc:
            return eum.failure(message, self.name, exc, "SMS")
        origin = request.get("OriginationIdentity")  # unset: AWS picks one we never see
        return accepted(message, self.name, reply["MessageId"], origin)

    def _request(self, message: OutgoingMessage, body: str) -> dict[str, Any]:
        sms = message.content.sms or SmsOptions()
        settings = self._settings
        request: dict[str, Any] = {
            "DestinationPhoneNumber": message.address,
            "MessageBody": body,
            "MessageType": sms.message_type,
            "Context": eum.context(message),
        }
        optional = {
            "OriginationIdentity": sms.origination_number
            or sms.sender_id
            or settings.origination_identity,
            "Keyword": sms.keyword,
            "ConfigurationSetName": settings.configuration_set,
            "MaxPrice": settings.max_price,
            "TimeToLive": settings.time_to_live,
        }
        request.update({k: v for k, v in optional.items() if v is not None})
        country = {"IN_ENTITY_ID": sms.entity_id, "IN_TEMPLATE_ID": sms.template_id}
        if any(country.values()):
            request["DestinationCountryParameters"] = {k: v for k, v in country.items() if v}
        return request
