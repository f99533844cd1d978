"""Voice calls through Twilio's Calls API: the message is spoken by TwiML <Say>.

Plain text is escaped; SSML (`voice.ssml`) goes inside <Say> as markup, without its <speak>
root, which is how TwiML takes SSML.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from xml.sax.saxutils import escape, quoteattr

from herald.channels.config_http import TwilioSettings
from herald.channels.results import invalid_phone, permanent
from herald.channels.twilio_api import TwilioApi
from herald.models import DeliveryResult, OutgoingMessage, VoiceOptions

SPEAK = re.compile(r"^\s*<speak[^>]*>(.*)</speak>\s*$", re.DOTALL)
NO_SENDER = (
    "no caller id: set origination_number on the template or HERALD_CHANNELS__VOICE__FROM_NUMBER"
)


class TwilioVoiceProvider:
    name = "twilio-voice"

    def __init__(self, settings: TwilioSettings) -> None:
        self._api = TwilioApi(settings, self.name, "HERALD_CHANNELS__VOICE__")

    async def send(self, messages: Sequence[OutgoingMessage]) -> list[DeliveryResult]:
        return [await self._send_one(m) for m in messages]

    async def _send_one(self, message: OutgoingMessage) -> DeliveryResult:
        refused = invalid_phone(message, self.name)
        if refused:
            return refused
        voice = message.content.voice or VoiceOptions()
        caller = voice.origination_number or self._api.settings.from_number
        if not caller:
            return permanent(message, self.name, NO_SENDER)
        if not message.content.body:
            return permanent(message, self.name, "the voice message has no body")
        form = {
            "To": message.address,
            "From": caller,
            "Twiml": twiml(message.content.body, voice, self._api.settings.voice),
        }
        callback = self._api.status_callback(message)
        if callback:
            form["StatusCallback"] = callback
        return await self._api.create(message, "Calls", form)

    async def aclose(self) -> None:
        await self._api.aclose()


def twiml(body: str, voice: VoiceOptions, default_voice: str | None) -> str:
    attributes = f" language={quoteattr(voice.language_code)}"
    chosen = voice.voice_id or default_voice
    if chosen:
        attributes += f" voice={quoteattr(chosen)}"
    if voice.ssml:
        found = SPEAK.match(body)
        spoken = found.group(1) if found else body
    else:
        spoken = escape(body)
    return f"<Response><Say{attributes}>{spoken}</Say></Response>"
