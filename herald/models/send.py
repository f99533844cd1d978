"""What a workflow asks of the send activity, and what it gets back."""

from __future__ import annotations

from enum import StrEnum

from pydantic import Field

from herald.models.base import HeraldModel
from herald.models.channel import MessageChannel


class SendRequest(HeraldModel):
    """One message to one endpoint. The idempotency key is made in the workflow."""

    idempotency_key: str = Field(min_length=1, max_length=300)
    endpoint_id: str
    channel: MessageChannel
    template: str
    template_version: int | None = None
    substitutions: dict[str, str] = Field(default_factory=dict)
    journey: str | None = None
    journey_version: int | None = None
    step_id: str | None = None


class SendOutcome(StrEnum):
    SENT = "SENT"
    SKIPPED = "SKIPPED"
    FAILED = "FAILED"


class SendResult(HeraldModel):
    outcome: SendOutcome
    idempotency_key: str
    provider_message_id: str | None = None
    reason: str | None = None
    duplicate: bool = Field(default=False, description="Already sent under this key before.")
