"""The one interface every channel provider implements.

A provider sends a batch and answers one `DeliveryResult` per message: ACCEPTED with the
provider's id, RETRYABLE (throttled, timed out, 5xx, credentials refused; `retry_after` when
the provider said when), or PERMANENT with a reason naming what the provider refused
(`address_problem` when it was the address itself, which marks the endpoint). Providers never
raise for a single message's failure; they raise only when they cannot tell what happened to
the batch, and the caller retries it whole with the same idempotency keys.

One module per service: ses, smtp, sns, eum_sms, eum_voice, twilio_sms, twilio_voice, fcm,
apns (behind push_router), inapp, webhook, and the local outbox. `factory` builds them from
`config.ChannelSettings`; `throttle` wraps any of them in a rate shared by every worker.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from typing import Protocol

from sqlalchemy.ext.asyncio import AsyncSession

from herald.models import DeliveryResult, OutgoingMessage
from herald.store import Database


class Provider(Protocol):
    name: str

    async def send(self, messages: Sequence[OutgoingMessage]) -> list[DeliveryResult]:
        """Send each message; results in the same order as `messages`."""
        ...


class DatabaseProvider(ABC):
    """A provider whose delivery is a write to Herald's own database (the outbox, in-app).

    It can write inside the caller's transaction (`send_in`), so a send's claim, delivery
    and record commit together or not at all; `send` alone is its own transaction."""

    name: str

    def __init__(self, database: Database) -> None:
        self._database = database

    async def send(self, messages: Sequence[OutgoingMessage]) -> list[DeliveryResult]:
        async with self._database.session() as session:
            return await self.send_in(session, messages)

    @abstractmethod
    async def send_in(
        self, session: AsyncSession, messages: Sequence[OutgoingMessage]
    ) -> list[DeliveryResult]: ...
