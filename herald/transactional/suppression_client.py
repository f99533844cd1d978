"""Suppressions in `HeraldClient`: see, add and lift the addresses nothing is sent to."""

from __future__ import annotations

from datetime import datetime

from herald.models import AddressProblem, ChannelType, MessageChannel
from herald.models.addresses import normalise_address
from herald.models.base import HeraldModel
from herald.store import Database
from herald.store import suppressions as store
from herald.store.clock import aware


class Suppression(HeraldModel):
    channel: MessageChannel
    address: str
    reason: str
    detail: str | None = None
    created_at: datetime


def _normal(channel: MessageChannel, address: str) -> str:
    """As sends look it up; raises AddressError (a ValueError) naming the problem."""
    return normalise_address(ChannelType(channel.value), address)


class SuppressionMethods:
    database: Database

    async def suppressions(
        self, channel: MessageChannel | None = None, *, limit: int = 1000
    ) -> list[Suppression]:
        async with self.database.session() as session:
            rows = await store.list_suppressions(session, channel, limit=limit)
        return [
            Suppression(
                channel=MessageChannel(r.channel), address=r.address, reason=r.reason,
                detail=r.detail, created_at=aware(r.created_at),
            )
            for r in rows
        ]  # fmt: skip

    async def suppress(
        self,
        channel: MessageChannel,
        address: str,
        *,
        reason: AddressProblem = AddressProblem.OPTED_OUT,
        detail: str | None = None,
    ) -> str:
        """Stop every send to `address` on `channel`; returns the address as stored."""
        normal = _normal(channel, address)
        async with self.database.session() as session:
            await store.suppress(session, channel, normal, reason, detail)
        return normal

    async def lift_suppression(self, channel: MessageChannel, address: str) -> bool:
        """Send to the address again (a customer fixed it or opted back in). False if it was
        not suppressed."""
        normal = _normal(channel, address)
        async with self.database.session() as session:
            return await store.lift_suppression(session, channel, normal)
