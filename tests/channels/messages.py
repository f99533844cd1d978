"""Messages and checks the provider tests share."""

from __future__ import annotations

import logging
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any, Protocol, TypeVar

import pytest

from herald.models import ChannelType, MessageChannel, OutgoingMessage, RenderedMessage


def outgoing(
    channel: MessageChannel,
    address: str,
    *,
    key: str | None = None,
    channel_type: ChannelType | None = None,
    **content: Any,
) -> OutgoingMessage:
    return OutgoingMessage(
        idempotency_key=key or f"journey:welcome:ann:first:{uuid.uuid4()}",
        channel=channel,
        endpoint_id="ann",
        address=address,
        content=RenderedMessage.model_validate(content),
        journey="welcome",
        step_id="first",
        channel_type=channel_type,
    )


def assert_secrets_hidden(
    caplog: pytest.LogCaptureFixture, *secrets: str, seen: object = ()
) -> None:
    """No log record (at any level, from any library) and no repr in `seen` holds a secret."""
    assert caplog.records, "capture logs at DEBUG around the calls under test"
    texts = [r.getMessage() for r in caplog.records] + [repr(o) for o in seen]  # type: ignore[attr-defined]
    for secret in secrets:
        leaked = [t[:200] for t in texts if secret in t]
        assert leaked == [], f"a secret appeared in: {leaked}"


def debug_logs(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)


class Closable(Protocol):
    async def aclose(self) -> None: ...


C = TypeVar("C", bound=Closable)


@asynccontextmanager
async def opened(provider: C) -> AsyncIterator[C]:
    """The provider, closed after use: a TLS server otherwise waits for its peer to hang up."""
    try:
        yield provider
    finally:
        await provider.aclose()
