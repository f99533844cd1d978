"""Push through Apple Push Notification service: HTTP/2 (httpx with h2), ES256 token auth.

`apns-id` is a UUID made from the idempotency key, the same on every retry, so Apple's
feedback and Herald's log name the message alike. APNs answers a refusal with
{"reason": ...}; the reason names what it refused (the device token, a header, the payload).
"""

from __future__ import annotations

import json
import time
from collections.abc import Sequence

import httpx

from herald.channels import http
from herald.channels.addresses import key_uuid
from herald.channels.apns_auth import ProviderTokens
from herald.channels.config_http import ApnsSettings
from herald.channels.push_payload import apns_payload
from herald.channels.results import accepted, permanent
from herald.models import AddressProblem, ChannelType, DeliveryResult, OutgoingMessage

SETTINGS = "HERALD_CHANNELS__PUSH__APNS__TEAM_ID / __KEY_ID / __PRIVATE_KEY(_FILE)"
FIELD_OF_REASON = {
    "BadDeviceToken": "device token",
    "MissingDeviceToken": "device token",
    "DeviceTokenNotForTopic": "device token",
    "Unregistered": "device token",
    "BadCollapseId": "apns-collapse-id",
    "BadExpirationDate": "apns-expiration",
    "BadMessageId": "apns-id",
    "BadPriority": "apns-priority",
    "BadTopic": "apns-topic",
    "MissingTopic": "apns-topic",
    "TopicDisallowed": "apns-topic",
    "InvalidPushType": "apns-push-type",
    "PayloadEmpty": "payload",
    "PayloadTooLarge": "payload",
}
INVALID_TOKEN = frozenset(
    {"BadDeviceToken", "DeviceTokenNotForTopic", "Unregistered", "MissingDeviceToken"}
)
SANDBOX = frozenset({ChannelType.APNS_SANDBOX, ChannelType.APNS_VOIP_SANDBOX})
VOIP = frozenset({ChannelType.APNS_VOIP, ChannelType.APNS_VOIP_SANDBOX})


class ApnsProvider:
    name = "apns"

    def __init__(self, settings: ApnsSettings) -> None:
        self._settings = settings
        self._tokens = ProviderTokens(settings)
        self._client = http.make_client(settings.timeout, http2=True, ca_file=settings.ca_file)

    async def send(self, messages: Sequence[OutgoingMessage]) -> list[DeliveryResult]:
        return [await self._send_one(m) for m in messages]

    async def _send_one(self, message: OutgoingMessage) -> DeliveryResult:
        base = self._settings.production_url
        if message.channel_type in SANDBOX:
            base = self._settings.sandbox_url
        url = f"{base.rstrip('/')}/3/device/{message.address}"
        body = json.dumps(apns_payload(message), separators=(",", ":"))
        try:
            response = await self._client.post(url, content=body, headers=self._headers(message))
        except httpx.HTTPError as exc:
            return http.unreachable(message, self.name, exc)
        if response.is_success:
            return accepted(message, self.name, response.headers.get("apns-id", ""))
        return self._failure(message, response)

    def _headers(self, message: OutgoingMessage) -> dict[str, str]:
        push = message.content.push
        silent = push is not None and push.silent
        voip = message.channel_type in VOIP
        headers = {
            "authorization": f"bearer {self._tokens.get()}",
            "apns-id": str(key_uuid(message.idempotency_key)),
            "apns-topic": self._settings.bundle_id + (".voip" if voip else ""),
            "apns-push-type": "voip" if voip else "background" if silent else "alert",
            # Apple requires priority 5 for background pushes.
            "apns-priority": "5" if silent else "10",
            "content-type": "application/json",
        }
        if push is not None and push.time_to_live is not None:
            headers["apns-expiration"] = str(int(time.time()) + push.time_to_live)
        return headers

    def _failure(self, message: OutgoingMessage, response: httpx.Response) -> DeliveryResult:
        if http.transient(response):
            return http.unavailable(message, self.name, response)
        if response.status_code == 403:
            self._tokens.forget()
            return http.credentials_refused(message, self.name, response, SETTINGS)
        try:
            reason = str(response.json().get("reason", ""))
        except ValueError:
            reason = http.snippet(response)
        field = FIELD_OF_REASON.get(reason)
        named = f" {field}" if field else ""
        text = f"apns rejected{named} ({response.status_code} {reason})"
        invalid = reason in INVALID_TOKEN or response.status_code == 410
        return permanent(message, self.name, text, AddressProblem.INVALID if invalid else None)

    async def aclose(self) -> None:
        await self._client.aclose()
