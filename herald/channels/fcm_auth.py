"""OAuth2 access tokens for FCM from a service account: a JWT signed RS256 with the account's
private key, exchanged at the account's token URI (Google's, or a loopback one in tests).

PyJWT signs: the JOSE encoding is easy to get subtly wrong, and it is the library Google's own
samples name. A token is reused until five minutes before it expires.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx
import jwt

from herald.channels.config_http import FcmSettings
from herald.channels.http import retry_after

SCOPE = "https://www.googleapis.com/auth/firebase.messaging"
GRANT = "urn:ietf:params:oauth:grant-type:jwt-bearer"
REFRESH_MARGIN_S = 300


class TokenError(Exception):
    """The token URI did not give Herald an access token; `retry_after` if it said when."""

    def __init__(self, reason: str, retry_after: float | None = None) -> None:
        super().__init__(reason)
        self.retry_after = retry_after


@dataclass(frozen=True, repr=False)
class ServiceAccount:
    client_email: str
    private_key: str
    private_key_id: str | None
    token_uri: str
    project_id: str

    def __repr__(self) -> str:
        return f"ServiceAccount({self.client_email!r}, project {self.project_id!r})"


def load_service_account(settings: FcmSettings) -> ServiceAccount:
    if settings.service_account_json is not None:
        raw, where = settings.service_account_json.get_secret_value(), "service_account_json"
    else:
        assert settings.service_account_file is not None
        raw, where = settings.service_account_file.read_text(), str(settings.service_account_file)
    try:
        data: dict[str, Any] = json.loads(raw)
        return ServiceAccount(
            client_email=data["client_email"],
            private_key=data["private_key"],
            private_key_id=data.get("private_key_id"),
            token_uri=data.get("token_uri") or "https://oauth2.googleapis.com/token",
            project_id=settings.project_id or data["project_id"],
        )
    except (ValueError, KeyError, TypeError) as exc:
        # Never the content: it holds the private key.
        missing = f" (missing {exc})" if isinstance(exc, KeyError) else ""
        raise ValueError(
            f"FCM service account {where} is not a service account JSON{missing}"
        ) from None


class AccessTokens:
    def __init__(
        self,
        account: ServiceAccount,
        client: httpx.AsyncClient,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._account = account
        self._client = client
        self._clock = clock
        self._token: str | None = None
        self._expires_at = 0.0
        self._lock = asyncio.Lock()

    async def get(self) -> str:
        async with self._lock:
            if self._token is None or self._clock() >= self._expires_at - REFRESH_MARGIN_S:
                self._token, lifetime = await self._exchange()
                self._expires_at = self._clock() + lifetime
            return self._token

    def forget(self) -> None:
        """FCM said the token is no good: the next send fetches a new one."""
        self._token = None

    async def _exchange(self) -> tuple[str, float]:
        try:
            response = await self._client.post(
                self._account.token_uri, data={"grant_type": GRANT, "assertion": self.assertion()}
            )
        except httpx.HTTPError as exc:
            raise TokenError(f"token endpoint unreachable: {type(exc).__name__}") from None
        if not response.is_success:
            raise TokenError(_token_refusal(response), retry_after(response))
        body = response.json()
        return str(body["access_token"]), float(body.get("expires_in", 3600))

    def assertion(self) -> str:
        now = int(self._clock())
        claims = {
            "iss": self._account.client_email,
            "scope": SCOPE,
            "aud": self._account.token_uri,
            "iat": now,
            "exp": now + 3600,
        }
        headers = {"kid": self._account.private_key_id} if self._account.private_key_id else None
        return jwt.encode(claims, self._account.private_key, algorithm="RS256", headers=headers)


def _token_refusal(response: httpx.Response) -> str:
    try:
        error = response.json()
        detail = f"{error.get('error')}: {error.get('error_description', '')}"
    except ValueError:
        detail = response.reason_phrase
    return f"token endpoint refused the service account ({response.status_code} {detail})"
