"""What a workflow asks of the send activity, and what it gets back."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import Field

from herald.models.base import HeraldModel
from herald.models.channel import MessageChannel
from herald.models.endpoint import Endpoint
from herald.models.journey_progress import JourneyProgress
from herald.models.journey_settings import (
    ClosedDay,
    Limits,
    OpenHours,
    ParticipantKind,
    QuietTime,
)
from herald.models.message import MESSAGE_KEY_LENGTH, AddressProblem
from herald.models.template import Template


class SendRequest(HeraldModel):
    """One message to one endpoint, or to each of a user's endpoints on the channel (their
    keys are this key plus the endpoint id). The idempotency key is made in the workflow."""

    idempotency_key: str = Field(min_length=1, max_length=MESSAGE_KEY_LENGTH)
    endpoint_id: str = Field(description="The endpoint id, or the user id for a user.")
    participant: ParticipantKind = "endpoint"
    channel: MessageChannel
    template: str
    template_version: int | None = None
    substitutions: dict[str, str] = Field(default_factory=dict)
    journey: str | None = None
    journey_version: int | None = None
    step_id: str | None = None
    at: datetime | None = Field(default=None, description="The workflow's time of the send.")
    event_type: str | None = Field(default=None, description="The event that entered it.")
    event: dict[str, str] | None = Field(
        default=None, description="Attributes of the event that entered the journey."
    )
    policy: SendPolicy | None = None
    endpoint: Endpoint | None = Field(
        default=None,
        description="A transactional send to a raw address: this unsaved endpoint is used "
        "instead of looking `endpoint_id` up.",
    )
    content: Template | None = Field(
        default=None,
        description="Inline content of a transactional send, used instead of the stored "
        "template; `template` then only names it in the message log.",
    )
    progress: JourneyProgress | None = Field(
        default=None,
        description="A journey's progress, recorded in the same transaction as the send's "
        "outcome (not when it is deferred): no activity of its own.",
    )
    user_send_key: str | None = Field(
        default=None,
        description="Set on each endpoint's copy of a user's send: that send's key. Caps then "
        "count the user's sends on all their endpoints, one per step, not per endpoint.",
    )


class SendPolicy(HeraldModel):
    """A journey's sending rules, checked at send time in the participant's timezone."""

    limits: Limits = Field(default_factory=Limits)
    quiet_time: QuietTime | None = None
    open_hours: OpenHours | None = None
    closed_days: list[ClosedDay] = Field(default_factory=list)
    default_timezone: str = "UTC"


class SendOutcome(StrEnum):
    SENT = "SENT"
    SKIPPED = "SKIPPED"
    FAILED = "FAILED"
    DEFERRED = "DEFERRED"


class SendResult(HeraldModel):
    outcome: SendOutcome
    idempotency_key: str
    provider_message_id: str | None = None
    reason: str | None = None
    duplicate: bool = Field(default=False, description="Already sent under this key before.")
    not_before: datetime | None = Field(default=None, description="DEFERRED: ask again then.")
    # Added after histories were recorded: optional with a default, so they still decode.
    address_problem: AddressProblem | None = Field(
        default=None,
        description="FAILED: the provider refused the address for good (the endpoint is "
        "marked for it), e.g. OPTED_OUT for an SMS number that texted STOP.",
    )


def user_endpoint_key(key: str, endpoint_id: str) -> str:
    """The key of a user send's message to one of their endpoints: one claim per endpoint, so a
    retry after a partial fan-out sends only to the endpoints not yet reached."""
    return f"{key}:{endpoint_id}"
