"""The local outbox provider: messages are kept in Herald's database, not delivered.

It is the embedded default for every channel, so a demo or a test sees exactly what would
have been sent (`herald outbox list`). Its unique key on the idempotency key is the same
guarantee a real provider's idempotency token gives.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from herald.channels.base import DatabaseProvider
from herald.channels.origins import templated_origin
from herald.models import DeliveryResult, DeliveryStatus, OutgoingMessage
from herald.store.outbox import add_to_outbox


class OutboxProvider(DatabaseProvider):
    name = "outbox"

    async def send_in(
        self, session: AsyncSession, messages: Sequence[OutgoingMessage]
    ) -> list[DeliveryResult]:
        results = []
        for message in messages:
            outbox_id = await add_to_outbox(session, message)
            results.append(
                DeliveryResult(
                    idempotency_key=message.idempotency_key,
                    status=DeliveryStatus.ACCEPTED,
                    provider=self.name,
                    provider_message_id=f"outbox-{outbox_id}",
                    origin=templated_origin(message),
                )
            )
        return results
