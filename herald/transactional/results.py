"""What a send's outcome means for its recipient. Pure: the workflow calls it."""

from __future__ import annotations

from herald.models import SendOutcome, SendResult
from herald.transactional.models import Delivery, RecipientResult, RecipientStatus

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
