"""Messages on their way out, and what a provider said about each."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import Field

from herald.models.base import HeraldModel
from herald.models.channel import ChannelType, MessageChannel
from herald.models.template import RenderedMessage

# The longest key a send makes: `journey:{name}:{participant}:{n}:{step}:{uuid}`, plus
# `:{endpoint}` for each endpoint of a user (100, 200, 64, 36 and 200 characters at most:
# 623). Within PostgreSQL's unique-index entry limit even if every character took 4 bytes.
MESSAGE_KEY_LENGTH = 640


class OutgoingMessage(HeraldModel):
    """One rendered message for one address, with the key that makes sending it idempotent."""

    idempotency_key: str = Field(min_length=1, max_length=MESSAGE_KEY_LENGTH)
    channel: MessageChannel
    endpoint_id: str
    address: str
    content: RenderedMessage
    journey: str | None = None
    step_id: str | None = None
    campaign: str | None = None
    channel_type: ChannelType | None = Field(
        default=None, description="The endpoint's type: push routes GCM to FCM, APNS* to APNs."
    )


class DeliveryStatus(StrEnum):
    ACCEPTED = "ACCEPTED"
    RETRYABLE = "RETRYABLE"
    PERMANENT = "PERMANENT"


class AddressProblem(StrEnum):
    """Why a provider refused an address for good; delivery marks the endpoint for it."""

    INVALID = "INVALID"  # malformed, no such mailbox or number, a device token no longer valid
    OPTED_OUT = "OPTED_OUT"  # the recipient opted out at the provider (an SMS STOP)


class DeliveryResult(HeraldModel):
    """A provider's answer for one message: accepted with its id, or a classified failure."""

    idempotency_key: str
    status: DeliveryStatus
    provider: str
    provider_message_id: str | None = None
    origin: str | None = Field(
        default=None,
        description="ACCEPTED: the identity it was sent from, where a reply comes back to: "
        "the origination number or sender id, the caller id, the email's From (its Reply-To "
        "when it has one). None when the provider chose it unseen.",
    )
    reason: str | None = None
    retry_after: float | None = Field(
        default=None, ge=0, description="RETRYABLE: seconds to wait first (Retry-After, throttle)."
    )
    address_problem: AddressProblem | None = Field(
        default=None, description="PERMANENT: the address can never receive on this channel."
    )


class MessageStatus(StrEnum):
    PENDING = "PENDING"
    SENT = "SENT"
    SKIPPED = "SKIPPED"
    FAILED = "FAILED"


class MessageRecord(HeraldModel):
    """A row of the message log: the store's unique key makes a second send impossible."""

    idempotency_key: str
    channel: MessageChannel
    endpoint_id: str
    status: MessageStatus
    journey: str | None = None
    journey_version: int | None = None
    step_id: str | None = None
    campaign: str | None = None
    treatment: str | None = None
    template: str | None = None
    template_version: int | None = None
    provider: str | None = None
    provider_message_id: str | None = None
    origin: str | None = Field(default=None, description="The identity it was sent from.")
    address: str | None = Field(
        default=None,
        description="The address it was handed to the provider for (None: not handed over, "
        "or logged before the log kept it).",
    )
    reason: str | None = None
    created_at: datetime


class OutboxMessage(HeraldModel):
    """A message kept by the local outbox provider, as `herald outbox list` shows it."""

    id: int
    idempotency_key: str
    channel: MessageChannel
    endpoint_id: str
    address: str
    content: RenderedMessage
    journey: str | None = None
    step_id: str | None = None
    created_at: datetime

    @property
    def origin(self) -> str:
        """What sent it, for people: `journey/step`, else its key's kind and name
        (`campaign spring-sale`, `message REQUEST-ID`)."""
        if self.journey:
            return f"{self.journey}/{self.step_id}"
        return " ".join(self.idempotency_key.split(":")[:2])
