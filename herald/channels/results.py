"""Building a provider's answer for one message, the same way in every provider."""

from __future__ import annotations

from herald.channels.addresses import phone_problem
from herald.models import AddressProblem, DeliveryResult, DeliveryStatus, OutgoingMessage


def accepted(
    message: OutgoingMessage, provider: str, provider_id: str, origin: str | None = None
) -> DeliveryResult:
    """`origin`: the identity it went from, recorded so replies find the journey that sent it."""
    return DeliveryResult(
        idempotency_key=message.idempotency_key,
        status=DeliveryStatus.ACCEPTED,
        provider=provider,
        provider_message_id=provider_id,
        origin=origin,
    )


def retryable(
    message: OutgoingMessage, provider: str, reason: str, retry_after: float | None = None
) -> DeliveryResult:
    return DeliveryResult(
        idempotency_key=message.idempotency_key,
        status=DeliveryStatus.RETRYABLE,
        provider=provider,
        reason=reason,
        retry_after=retry_after,
    )


def permanent(
    message: OutgoingMessage,
    provider: str,
    reason: str,
    address_problem: AddressProblem | None = None,
) -> DeliveryResult:
    return DeliveryResult(
        idempotency_key=message.idempotency_key,
        status=DeliveryStatus.PERMANENT,
        provider=provider,
        reason=reason,
        address_problem=address_problem,
    )


def invalid_phone(message: OutgoingMessage, provider: str) -> DeliveryResult | None:
    """The permanent answer for a number no phone provider can take, before any request."""
    problem = phone_problem(message.address)
    return permanent(message, provider, problem, AddressProblem.INVALID) if problem else None


def sms_body(message: OutgoingMessage, provider: str) -> str | DeliveryResult:
    """The text to send, or the refusal every SMS provider makes up front: a bad number or
    an empty body."""
    refused = invalid_phone(message, provider)
    if refused is not None:
        return refused
    return message.content.body or permanent(message, provider, "the SMS has no body")
