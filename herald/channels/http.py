"""What HTTP providers share: one client per provider, Retry-After, and the status classes.

2xx        ACCEPTED
401 / 403  RETRYABLE: Herald's credentials; fixing them releases the held messages
408 / 429  RETRYABLE after Retry-After
4xx        PERMANENT, with the field the provider named (each provider reads its body)
5xx        RETRYABLE after Retry-After, if given
no answer  RETRYABLE (timeout, connection refused or reset)
"""

from __future__ import annotations

import ssl
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from pathlib import Path

import httpx

from herald.channels.results import retryable
from herald.models import DeliveryResult, OutgoingMessage

MAX_BODY_IN_REASON = 300


def make_client(
    timeout: float, *, http2: bool = False, ca_file: Path | None = None
) -> httpx.AsyncClient:
    verify: ssl.SSLContext | bool = True
    if ca_file is not None:
        verify = ssl.create_default_context(cafile=str(ca_file))
    # trust_env=False: a proxy or netrc from the environment must not see provider traffic
    # (or add credentials to it) unless configured here.
    return httpx.AsyncClient(
        timeout=timeout, http2=http2, http1=not http2, verify=verify, trust_env=False
    )


def retry_after(response: httpx.Response, now: datetime | None = None) -> float | None:
    """Seconds from a Retry-After header: delta-seconds or an HTTP date."""
    value = response.headers.get("retry-after")
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


def transient(response: httpx.Response) -> bool:
    return response.status_code in (408, 429) or response.status_code >= 500


def unavailable(
    message: OutgoingMessage, provider: str, response: httpx.Response
) -> DeliveryResult:
    """A RETRYABLE result for a 408, 429 or 5xx answer, honouring Retry-After."""
    return retryable(
        message,
        provider,
        f"{provider} answered {response.status_code}: {snippet(response)}",
        retry_after(response),
    )


def unreachable(message: OutgoingMessage, provider: str, exc: httpx.HTTPError) -> DeliveryResult:
    kind = "timed out" if isinstance(exc, httpx.TimeoutException) else "unreachable"
    return retryable(message, provider, f"{provider} {kind}: {type(exc).__name__}")


def credentials_refused(
    message: OutgoingMessage, provider: str, response: httpx.Response, settings: str
) -> DeliveryResult:
    return retryable(
        message,
        provider,
        f"{provider} refused Herald's credentials ({response.status_code}: {snippet(response)}); "
        f"check {settings}",
        retry_after(response) or 60.0,
    )


def snippet(response: httpx.Response) -> str:
    text = response.text.strip().replace("\n", " ")
    if len(text) > MAX_BODY_IN_REASON:
        return text[:MAX_BODY_IN_REASON] + "..."
    return text or response.reason_phrase
