"""The custom channel: each message POSTed as JSON to an HTTPS webhook, signed HMAC-SHA256.

The signature header is `t=<unix time>,v1=<hex HMAC-SHA256 of "<t>.<body>" with the secret>`:
the receiver recomputes it, compares in constant time and refuses old timestamps, so a
captured request cannot be replayed later. `Idempotency-Key` carries the message's key;
a receiver that keeps it answers a retried delivery without acting twice.

    2xx   ACCEPTED (the id is the body's "id", else the key)
    410   PERMANENT, the receiver says the address is gone: endpoint marked
    4xx   PERMANENT, with the receiver's answer
    408 / 429 / 5xx / no answer   RETRYABLE after Retry-After
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any

import httpx

from herald.channels import http
from herald.channels.config_http import WebhookSettings
from herald.channels.results import accepted, permanent
from herald.models import AddressProblem, DeliveryResult, OutgoingMessage

SETTINGS = "HERALD_CHANNELS__CUSTOM__URL and the receiver's credentials"


def signature(secret: bytes, timestamp: int, body: bytes) -> str:
    digest = hmac.new(secret, f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


class WebhookProvider:
    name = "webhook"

    def __init__(self, settings: WebhookSettings, clock: Callable[[], float] = time.time) -> None:
        self._settings = settings
        self._secret = settings.secret.get_secret_value().encode()
        self._client = http.make_client(settings.timeout, ca_file=settings.ca_file)
        self._clock = clock

    async def send(self, messages: Sequence[OutgoingMessage]) -> list[DeliveryResult]:
        return [await self._send_one(m) for m in messages]

    async def _send_one(self, message: OutgoingMessage) -> DeliveryResult:
        body = json.dumps(payload(message), separators=(",", ":")).encode()
        headers = {
            "Content-Type": "application/json",
            "Idempotency-Key": message.idempotency_key,
            self._settings.signature_header: signature(self._secret, int(self._clock()), body),
        }
        try:
            response = await self._client.post(self._settings.url, content=body, headers=headers)
        except httpx.HTTPError as exc:
            return http.unreachable(message, self.name, exc)
        if response.is_success:
            return accepted(message, self.name, _id_of(response) or message.idempotency_key)
        if http.transient(response):
            return http.unavailable(message, self.name, response)
        if response.status_code in (401, 403):
            return http.credentials_refused(message, self.name, response, SETTINGS)
        reason = f"webhook refused the message ({response.status_code}): {http.snippet(response)}"
        gone = AddressProblem.INVALID if response.status_code == 410 else None
        return permanent(message, self.name, reason, gone)

    async def aclose(self) -> None:
        await self._client.aclose()


def payload(message: OutgoingMessage) -> dict[str, Any]:
    return {
        "idempotency_key": message.idempotency_key,
        "channel": message.channel.value,
        "endpoint_id": message.endpoint_id,
        "address": message.address,
        "journey": message.journey,
        "step_id": message.step_id,
        "campaign": message.campaign,
        "content": message.content.model_dump(mode="json", exclude_none=True),
        "sent_at": datetime.now(UTC).isoformat(),
    }


def _id_of(response: httpx.Response) -> str | None:
    try:
        found = response.json().get("id")
    except (ValueError, AttributeError):
        return None
    return str(found) if found else None
