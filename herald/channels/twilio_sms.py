"""SMS through Twilio's Messages API (httpx, basic auth).

Twilio takes no idempotency key for a new message; the key rides on the status callback URL
(`?herald_key=`), so delivery receipts find their message, and Herald's message log keeps a
retried activity from creating a second one.
"""

from __future__ import annotations

from collections.abc import Sequence

from herald.channels.config_http import TwilioSettings
from herald.channels.results import permanent, sms_body
from herald.channels.twilio_api import TwilioApi
from herald.models import DeliveryResult, OutgoingMessage

NO_SENDER = (
    "no sender: set origination_number on the template, or HERALD_CHANNELS__SMS__FROM_NUMBER "
    "or __MESSAGING_SERVICE_SID"
)


class TwilioSmsProvider:
    name = "twilio-sms"

    def __init__(self, settings: TwilioSettings) -> None:
        self._api = TwilioApi(settings, self.name, "HERALD_CHANNELS__SMS__")

    async def send(self, messages: Sequence[OutgoingMessage]) -> list[DeliveryResult]:
        return [await self._send_one(m) for m in messages]

    async def _send_one(self, message: OutgoingMessage) -> DeliveryResult:
        body = sms_body(message, self.name)
        if isinstance(body, DeliveryResult):
            return body
        form = {"To": message.address, "Body": body}
        sender = self._sender(message)
        if sender is None:
            return permanent(message, self.name, NO_SENDER)
        form.update(sender)
        callback = self._api.status_callback(message)
        if callback:
            form["StatusCallback"] = callback
        return await self._api.create(message, "Messages", form)

    def _sender(self, message: OutgoingMessage) -> dict[str, str] | None:
        sms = message.content.sms
        origin = sms.origination_number or sms.sender_id if sms else None
        if origin:
            return {"From": origin}
        settings = self._api.settings
        if settings.messaging_service_sid:
            return {"MessagingServiceSid": settings.messaging_service_sid}
        if settings.from_number:
            return {"From": settings.from_number}
        return None

    async def aclose(self) -> None:
        await self._api.aclose()
