"""What `herald outbox list` and `herald dev` print as a message's sender: a campaign's or a
transactional request's messages showed `None/None`."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from herald.models import MessageChannel, RenderedMessage
from herald.models.message import OutboxMessage


def _message(key: str, journey: str | None = None, step: str | None = None) -> OutboxMessage:
    return OutboxMessage(
        id=1,
        idempotency_key=key,
        channel=MessageChannel.EMAIL,
        endpoint_id="ann",
        address="ann@example.com",
        content=RenderedMessage(subject="Hi"),
        journey=journey,
        step_id=step,
        created_at=datetime(2026, 12, 8, tzinfo=UTC),
    )


@pytest.mark.parametrize(
    ("key", "journey", "step", "origin"),
    [
        ("journey:welcome:ann:hello:0f21e39a", "welcome", "hello", "welcome/hello"),
        ("campaign:spring-sale:once:ann", None, None, "campaign spring-sale"),
        ("message:req-7:0", None, None, "message req-7"),
    ],
)
def test_a_message_says_what_sent_it(
    key: str, journey: str | None, step: str | None, origin: str
) -> None:
    assert _message(key, journey, step).origin == origin
