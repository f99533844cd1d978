"""The one interface every channel provider implements.

A provider sends a batch and answers one `DeliveryResult` per message: ACCEPTED with the
provider's id, RETRYABLE (throttled, timed out, 5xx), or PERMANENT with a reason (bad address,
rejected content). Providers never raise for a single message's failure; they raise only
when they cannot tell what happened to the batch, and the caller retries it whole with the
same idempotency keys.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from herald.models import DeliveryResult, OutgoingMessage


class Provider(Protocol):
    name: str

    async def send(self, messages: Sequence[OutgoingMessage]) -> list[DeliveryResult]:
        """Send each message; results in the same order as `messages`."""
        ...
