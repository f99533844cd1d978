"""What comes in: a reply (SMS or email) and a delivery receipt, as every provider's
webhook is turned into them; and what Herald made of a reply."""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum
from typing import Literal

from pydantic import Field

from herald.models import AddressProblem
from herald.models.base import HeraldModel


def _now() -> datetime:
    return datetime.now(UTC)


class InboundMessage(HeraldModel):
    provider: str = Field(description="twilio, end_user_messaging, ses, webhook")
    provider_message_id: str = Field(min_length=1, max_length=200)
    channel: Literal["SMS", "EMAIL"]
    from_address: str = Field(min_length=1, max_length=320)
    to_address: str | None = Field(default=None, max_length=320)
    text: str = Field(max_length=20_000)
    received_at: datetime = Field(default_factory=_now)


class InboundOutcome(StrEnum):
    RECEIVED = "RECEIVED"  # stored, not yet handled (a provider retry finishes it)
    DUPLICATE = "DUPLICATE"  # handled before: a provider's retry
    OPTED_OUT = "OPTED_OUT"
    OPTED_IN = "OPTED_IN"
    HELP = "HELP"
    ROUTED = "ROUTED"  # at least one waiting journey took it
    STORED = "STORED"  # no journey waited for it; kept, with its event recorded
    UNKNOWN_SENDER = "UNKNOWN_SENDER"  # no endpoint has the sender's address; kept


class InboundResult(HeraldModel):
    id: int
    outcome: InboundOutcome
    keyword: str | None = None
    endpoint_ids: list[str] = Field(default_factory=list)
    routed_to: int = 0


class Receipt(HeraldModel):
    """A provider's word on a message Herald sent: delivered, bounced, complained, failed."""

    provider: str
    receipt_id: str = Field(description="The provider's id of this notification (dedupe).")
    event_type: str = Field(description="_SMS.SUCCESS, _email.hardbounce, ...")
    idempotency_key: str | None = None
    provider_message_id: str | None = None
    recipient: str | None = Field(
        default=None,
        max_length=320,
        description="The address the provider says the message went to (SES's bounced or "
        "complained recipient, Twilio's To): suppressed for a message logged without its own.",
    )
    suppress: AddressProblem | None = None
    detail: str | None = None
    timestamp: datetime = Field(default_factory=_now)
