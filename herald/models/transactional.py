"""Transactional messages, shaped on Pinpoint's SendMessages / SendUsersMessages.

A request names its recipients (raw addresses with their channel, endpoint ids, user ids) and
what to send on each channel: a stored template (optionally pinned to a version) or inline
content with the same fields as a template of that channel. It comes back with one result per
recipient; a user yields one result per endpoint on a channel the request has content for.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any, Literal

from pydantic import Field, field_validator, model_validator

from herald.models.base import HeraldModel
from herald.models.channel import ChannelType, MessageChannel
from herald.models.endpoint import Endpoint
from herald.models.message import AddressProblem
from herald.models.names import ResourceName
from herald.models.send import SendOutcome, SendResult
from herald.models.template import Template

MAX_RECIPIENTS = 100  # Pinpoint's limit for one SendMessages request
REQUEST_ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}$"


class TemplateRef(HeraldModel):
    name: ResourceName
    version: int | None = Field(default=None, ge=1, description="Pinned; default: active.")


class Target(HeraldModel):
    substitutions: dict[str, str] = Field(
        default_factory=dict, description="Values for this recipient only; win over the request's."
    )


class AddressTarget(Target):
    channel: ChannelType = Field(description="EMAIL, SMS, VOICE, GCM, APNS, ... (not IN_APP).")

    @field_validator("channel")
    @classmethod
    def _not_in_app(cls, channel: ChannelType) -> ChannelType:
        if channel is ChannelType.IN_APP:
            raise ValueError("IN_APP messages are kept per endpoint: send to an endpoint id")
        return channel


class MessageRequest(HeraldModel):
    """What `POST /v1/messages` takes. Addresses, endpoints and users may be mixed."""

    request_id: str | None = Field(
        default=None,
        pattern=REQUEST_ID_PATTERN,
        description="Repeat it to retry safely: the first request's results come back and "
        "nothing is sent again. Default: a new id.",
    )
    addresses: dict[str, AddressTarget] = Field(default_factory=dict)
    endpoints: dict[str, Target] = Field(default_factory=dict)
    users: dict[str, Target] = Field(default_factory=dict)
    templates: dict[MessageChannel, TemplateRef] = Field(default_factory=dict)
    content: dict[MessageChannel, Template] = Field(
        default_factory=dict,
        description="Inline content per channel: the fields of a template of that channel "
        "(`name` and `channel` are filled in).",
    )
    substitutions: dict[str, str] = Field(default_factory=dict)

    @field_validator("content", mode="before")
    @classmethod
    def _name_inline(cls, content: Any) -> Any:
        if not isinstance(content, dict):
            return content
        return {
            channel: {"name": f"inline-{str(channel).lower()}", "channel": channel, **part}
            if isinstance(part, dict)
            else part
            for channel, part in content.items()
        }

    @model_validator(mode="after")
    def _consistent(self) -> MessageRequest:
        count = len(self.addresses) + len(self.endpoints) + len(self.users)
        if count == 0:
            raise ValueError("give at least one recipient in `addresses`, `endpoints` or `users`")
        if count > MAX_RECIPIENTS:
            raise ValueError(f"{count} recipients; at most {MAX_RECIPIENTS} in one request")
        both = sorted(set(self.templates) & set(self.content))
        if both:
            raise ValueError(f"{', '.join(both)}: give `templates` or `content`, not both")
        if not (self.templates or self.content):
            raise ValueError("give `templates` or `content` for at least one channel")
        for address, target in self.addresses.items():
            if target.channel.family not in self.channels:
                raise ValueError(
                    f"addresses.{address}: no content for {target.channel.family.value}; "
                    f"give templates.{target.channel.family.value} or "
                    f"content.{target.channel.family.value} (the request has: "
                    f"{', '.join(sorted(self.channels))})"
                )
        return self

    @property
    def channels(self) -> set[MessageChannel]:
        return set(self.templates) | set(self.content)


class RecipientStatus(StrEnum):
    ACCEPTED = "ACCEPTED"  # the provider took it: `message_id` names it in the message log
    FAILED = "FAILED"  # `reason` says why
    SUPPRESSED = "SUPPRESSED"  # the address is on the channel's suppression list
    OPTED_OUT = "OPTED_OUT"  # the endpoint opted out (or is inactive), or did at the provider


class RecipientResult(HeraldModel):
    recipient: str = Field(description="The address, endpoint id or user id as given.")
    kind: Literal["address", "endpoint", "user"]
    channel: MessageChannel | None = None
    endpoint_id: str | None = None
    status: RecipientStatus
    message_id: str | None = Field(default=None, description="The message log's key.")
    provider_message_id: str | None = None
    reason: str | None = None


class Delivery(HeraldModel):
    """One message the workflow sends: a recipient resolved to one address or endpoint."""

    recipient: str
    kind: Literal["address", "endpoint", "user"]
    channel: MessageChannel
    endpoint_id: str
    endpoint: Endpoint | None = Field(default=None, description="Unsaved: a raw address.")
    template: str
    template_version: int | None = None
    content: Template | None = None
    substitutions: dict[str, str] = Field(default_factory=dict)


class MessagePlan(HeraldModel):
    """The workflow's input: recipients resolved when the request was accepted."""

    request_id: str
    deliveries: list[Delivery] = Field(default_factory=list)
    settled: list[RecipientResult] = Field(
        default_factory=list, description="Recipients refused before sending (unknown ids)."
    )


class RequestState(StrEnum):
    PENDING = "PENDING"  # accepted; sending (a provider outage is being retried)
    COMPLETE = "COMPLETE"


class MessageResponse(HeraldModel):
    request_id: str
    state: RequestState
    results: list[RecipientResult] = Field(default_factory=list)
    accepted_at: datetime | None = None
    duplicate: bool = Field(default=False, description="A repeat of an earlier request id.")


MESSAGE_WORKFLOW = "TransactionalMessages"
RECORD_RESULTS_ACTIVITY = "record_message_results"


def message_workflow_id(request_id: str) -> str:
    return f"message:{request_id}"


# herald.delivery's skip reasons that Pinpoint reports as an opt-out or a suppression.
_OPTED_OUT = ("endpoint opted out", "endpoint inactive")
_SUPPRESSED = "address suppressed"


def recipient_result(
    delivery: Delivery, key: str, sent: SendResult | None, failure: str | None = None
) -> RecipientResult:
    """The result of one delivery: `sent` from the send activity, or the `failure` that
    stopped it (a non-retryable error, or retries given up)."""
    status, reason = RecipientStatus.FAILED, failure
    if sent is not None:
        reason = sent.reason
        if sent.outcome is SendOutcome.SENT:
            status = RecipientStatus.ACCEPTED
        elif sent.outcome is SendOutcome.SKIPPED and sent.reason in _OPTED_OUT:
            status = RecipientStatus.OPTED_OUT
        elif sent.address_problem is AddressProblem.OPTED_OUT:
            # Refused by the provider (an SMS STOP): what the next send skips as opted out.
            # An INVALID address stays FAILED, the reason naming it: a permanent failure.
            status = RecipientStatus.OPTED_OUT
        elif sent.outcome is SendOutcome.SKIPPED and (sent.reason or "").startswith(_SUPPRESSED):
            status = RecipientStatus.SUPPRESSED
    return RecipientResult(
        recipient=delivery.recipient,
        kind=delivery.kind,
        channel=delivery.channel,
        endpoint_id=None if delivery.kind == "address" else delivery.endpoint_id,
        status=status,
        message_id=key,
        provider_message_id=sent.provider_message_id if sent else None,
        reason=reason,
    )
