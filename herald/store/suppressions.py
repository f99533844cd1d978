"""The suppression list, and marking an endpoint whose address a provider refused for good.

A provider that says an address is invalid (or that its owner opted out there) is believed
at once: the endpoint is marked and the address suppressed on that channel, so the next send
to it is skipped at send time instead of being refused again.
"""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from herald.models import AddressProblem, MessageChannel
from herald.store.clock import utcnow
from herald.store.dialect import insert_for
from herald.store.tables import EndpointRow, SuppressionRow


async def find_suppression(
    session: AsyncSession, channel: MessageChannel, address: str
) -> SuppressionRow | None:
    return await session.get(SuppressionRow, (channel.value, address))


async def suppress(
    session: AsyncSession,
    channel: MessageChannel,
    address: str,
    reason: AddressProblem,
    detail: str | None = None,
) -> None:
    """Add (or refresh) an address on the channel's suppression list."""
    values = {
        "channel": channel.value,
        "address": address,
        "reason": reason.value,
        "detail": detail,
        "created_at": utcnow(),
    }
    stmt = insert_for(session, SuppressionRow).values(**values)
    await session.execute(
        stmt.on_conflict_do_update(
            index_elements=["channel", "address"],
            set_={"reason": stmt.excluded.reason, "detail": stmt.excluded.detail},
        )
    )


async def lift_suppression(session: AsyncSession, channel: MessageChannel, address: str) -> bool:
    """Remove an address from the list (a customer fixed it, or opted back in)."""
    row = await find_suppression(session, channel, address)
    if row is None:
        return False
    await session.delete(row)
    return True


async def mark_unreachable(
    session: AsyncSession,
    *,
    endpoint_id: str,
    channel: MessageChannel,
    address: str,
    problem: AddressProblem,
    detail: str | None,
) -> None:
    """An invalid address makes the endpoint INACTIVE; an opt-out at the provider opts it out.

    Both also suppress the address, which outlives the endpoint row: an import that re-upserts
    the endpoint as ACTIVE does not make Herald send to a dead address again.
    """
    change = {"endpoint_status": "INACTIVE"}
    if problem is AddressProblem.OPTED_OUT:
        change = {"opt_out": "ALL"}
    await session.execute(
        update(EndpointRow)
        .where(EndpointRow.id == endpoint_id, EndpointRow.address == address)
        .values(**change, updated_at=utcnow())
    )
    await suppress(session, channel, address, problem, detail)


async def list_suppressions(
    session: AsyncSession, channel: MessageChannel | None = None, *, limit: int = 1000
) -> list[SuppressionRow]:
    """Suppressed addresses, newest first."""
    query = select(SuppressionRow).order_by(SuppressionRow.created_at.desc()).limit(limit)
    if channel is not None:
        query = query.where(SuppressionRow.channel == channel.value)
    return list((await session.execute(query)).scalars())
