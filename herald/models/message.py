"""Messages on their way out, and what a provider said about each."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import Field

from herald.models.base import HeraldModel
from herald.models.channel import MessageChannel
from herald.models.template import RenderedMessage


class OutgoingMessage(HeraldModel):
    """One rendered message for one address, with the key that makes sending it idempotent."""

    idempotency_key: str = Field(min_length=1, max_length=300)
    channel: MessageChannel
    endpoint_id: str
    address: str
    content: RenderedMessage
    journey: str | None = None
    step_id: str | None = None
    campaign: str | None = None


class DeliveryStatus(StrEnum):
    ACCEPTED = "ACCEPTED"
    RETRYABLE = "RETRYABLE"
    PERMANENT = "PERMANENT"


class DeliveryResult(HeraldModel):
    """A provider's answer for one message: accepted with its id, or a classified failure."""

    idempotency_key: str
    status: DeliveryStatus
    provider: str
    provider_message_id: str | None = None
    reason: str | None = None


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
    template: str | None = None
    template_version: int | None = None
    provider: str | None = None
    provider_message_id: str | None = None
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
