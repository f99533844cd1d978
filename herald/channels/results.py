"""Building a provider's answer for one message, the same way in every provider."""

from __future__ import annotations

from herald.models import AddressProblem, DeliveryResult, DeliveryStatus, OutgoingMessage


def accepted(message: OutgoingMessage, provider: str, provider_id: str) -> DeliveryResult:
    return DeliveryResult(
        idempotency_key=message.idempotency_key,
        status=DeliveryStatus.ACCEPTED,
        provider=provider,
        provider_message_id=provider_id,
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
