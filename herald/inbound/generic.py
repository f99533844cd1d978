"""The generic inbound webhook: JSON replies signed like Herald's own outgoing webhooks.

    X-Herald-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>

A signature older than five minutes is refused, so a captured request cannot be replayed
later; within that window the message id makes a replay a recorded duplicate.
"""

from __future__ import annotations

import hmac
import time
from datetime import UTC, datetime
from typing import Literal

from pydantic import AwareDatetime, Field, ValidationError, ValidationInfo, field_validator

from herald.channels.webhook import signature
from herald.inbound.email_text import reply_sender
from herald.inbound.errors import BadPayload, Unauthenticated
from herald.inbound.models import InboundMessage
from herald.models.addresses import AddressError, normalise_phone
from herald.models.base import HeraldModel

TOLERANCE_S = 300
HEADER = "X-Herald-Signature"


class GenericReply(HeraldModel):
    id: str = Field(min_length=1, max_length=200, description="The sender's message id.")
    channel: Literal["SMS", "EMAIL"]
    from_: str = Field(alias="from", min_length=1, max_length=320)
    to: str | None = Field(default=None, max_length=320)
    text: str = Field(max_length=20_000)
    # With an offset: a naive time could be any zone's, and it is compared with aware ones.
    received_at: AwareDatetime | None = None

    @field_validator("from_")
    @classmethod
    def _canonical_sender(cls, sender: str, info: ValidationInfo) -> str:
        """The sender in the form endpoints store addresses. An SMS sender in E.164, so
        `+1 555-555-0123` finds the endpoint at +15555550123 (a number without `+` has no
        country to be read in); an email sender as `reply_sender` writes it."""
        channel = info.data.get("channel")
        if channel == "EMAIL":
            return reply_sender(sender)
        if channel != "SMS":
            return sender  # a bad channel is reported on its own field
        try:
            return normalise_phone(sender, None)
        except AddressError as exc:
            raise ValueError(str(exc)) from None


def verify(secret: str, header: str | None, body: bytes, now: float | None = None) -> None:
    if not header:
        raise Unauthenticated(f"{HEADER} is missing")
    parts = dict(p.split("=", 1) for p in header.split(",") if "=" in p)
    try:
        stamp = int(parts.get("t", ""))
    except ValueError:
        raise Unauthenticated(f"{HEADER} has no t=<unix seconds>") from None
    if abs((now or time.time()) - stamp) > TOLERANCE_S:
        raise Unauthenticated(f"{HEADER} is older than {TOLERANCE_S}s (or from the future)")
    expected = signature(secret.encode(), stamp, body).partition("v1=")[2]
    if not hmac.compare_digest(expected.encode(), parts.get("v1", "").encode()):
        raise Unauthenticated(f"{HEADER} does not verify")


def parse(body: bytes) -> InboundMessage:
    try:
        reply = GenericReply.model_validate_json(body)
    except ValidationError as exc:
        first = exc.errors()[0]
        field = ".".join(str(p) for p in first["loc"]) or "body"
        raise BadPayload(field, f"{field}: {first['msg']}") from None
    return InboundMessage(
        provider="webhook",
        provider_message_id=reply.id,
        channel=reply.channel,
        from_address=reply.from_,
        to_address=reply.to,
        text=reply.text,
        received_at=reply.received_at or datetime.now(UTC),
    )
