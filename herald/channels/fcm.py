"""Push through Firebase Cloud Messaging HTTP v1 (httpx, OAuth2 service-account tokens).

FCM's errors carry a google.rpc.Status: `details` hold the FcmError code and, for a bad
request, the field violations, which name the field ("message.token").

    UNREGISTERED, or INVALID_ARGUMENT on message.token   PERMANENT, endpoint marked
    other INVALID_ARGUMENT / SENDER_ID_MISMATCH          PERMANENT, naming the field
    401 UNAUTHENTICATED                                  RETRYABLE, with a fresh token next
    QUOTA_EXCEEDED (429), UNAVAILABLE, INTERNAL          RETRYABLE after Retry-After
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import httpx

from herald.channels import http
from herald.channels.config_http import FcmSettings
from herald.channels.fcm_auth import AccessTokens, TokenError, load_service_account
from herald.channels.push_payload import fcm_message
from herald.channels.results import accepted, permanent, retryable
from herald.models import AddressProblem, DeliveryResult, OutgoingMessage

SETTINGS = "HERALD_CHANNELS__PUSH__FCM__SERVICE_ACCOUNT_FILE (or __SERVICE_ACCOUNT_JSON)"
TOKEN_FIELD = "message.token"


class FcmProvider:
    name = "fcm"

    def __init__(self, settings: FcmSettings) -> None:
        account = load_service_account(settings)
        self._client = http.make_client(settings.timeout)
        self._tokens = AccessTokens(account, self._client)
        base = settings.base_url.rstrip("/")
        self._url = f"{base}/v1/projects/{account.project_id}/messages:send"

    async def send(self, messages: Sequence[OutgoingMessage]) -> list[DeliveryResult]:
        return [await self._send_one(m) for m in messages]

    async def _send_one(self, message: OutgoingMessage) -> DeliveryResult:
        try:
            token = await self._tokens.get()
        except TokenError as exc:
            return retryable(message, self.name, f"{exc}; check {SETTINGS}", exc.retry_after)
        try:
            response = await self._client.post(
                self._url,
                json={"message": fcm_message(message)},
                headers={"Authorization": f"Bearer {token}"},
            )
        except httpx.HTTPError as exc:
            return http.unreachable(message, self.name, exc)
        if response.is_success:
            return accepted(message, self.name, str(response.json()["name"]))
        return self._failure(message, response)

    def _failure(self, message: OutgoingMessage, response: httpx.Response) -> DeliveryResult:
        if http.transient(response):
            return http.unavailable(message, self.name, response)
        if response.status_code == 401:
            self._tokens.forget()
            return http.credentials_refused(message, self.name, response, SETTINGS)
        status, code, text, fields = _read_error(response)
        named = f" {', '.join(fields)}" if fields else ""
        reason = f"fcm rejected{named} ({response.status_code} {code or status}): {text}"
        invalid = code == "UNREGISTERED" or TOKEN_FIELD in fields
        return permanent(message, self.name, reason, AddressProblem.INVALID if invalid else None)

    async def aclose(self) -> None:
        await self._client.aclose()


def _read_error(response: httpx.Response) -> tuple[str, str, str, list[str]]:
    """(status, FcmError code, message, violated fields) of a google.rpc.Status body."""
    try:
        error: dict[str, Any] = response.json().get("error", {})
    except ValueError:
        return "", "", http.snippet(response), []
    code, fields = "", []
    for detail in error.get("details", []):
        kind = str(detail.get("@type", ""))
        if kind.endswith("google.firebase.fcm.v1.FcmError"):
            code = str(detail.get("errorCode", ""))
        elif kind.endswith("google.rpc.BadRequest"):
            fields += [str(v.get("field")) for v in detail.get("fieldViolations", [])]
    return str(error.get("status", "")), code, str(error.get("message", "")), fields
