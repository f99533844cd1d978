"""The suppression list, and marking an endpoint whose address a provider refused for good.

A provider that says an address is invalid (or that its owner opted out there) is believed
at once: the endpoint is marked and the address suppressed on that channel, so the next send
to it is skipped at send time instead of being refused again.

An email suppression matches its address whatever the case: endpoints keep the local part as
imported (`Jane.Doe@example.com`), while a person who asked not to be mailed may be listed as
`jane.doe@example.com`, and mail systems (SES's suppression list, Pinpoint) treat the local
part case-insensitively. Other channels compare exactly: phone numbers are E.164 on both
sides, and a push token differing by case is another device.
"""

from __future__ import annotations

from typing import Any, cast

from sqlalchemy import (
    ColumnElement,
    CursorResult,
    SQLColumnExpression,
    Table,
    delete,
    select,
    update,
)
from sqlalchemy.ext.asyncio import AsyncSession

from herald.models import AddressProblem, MessageChannel
from herald.store.address_match import same_address
from herald.store.clock import utcnow
from herald.store.dialect import insert_for
from herald.store.tables import EndpointRow, SuppressionRow


def suppressions_of(
    channel: MessageChannel, address: str | SQLColumnExpression[str]
) -> ColumnElement[bool]:
    """The suppressions of `address` (a value, or a column such as an endpoint's address) on
    `channel`: for email, whatever the case (`same_address`); with the channel, the expression
    of ix_suppressions_address_lower."""
    return (SuppressionRow.channel == channel.value) & same_address(
        SuppressionRow.address, channel, address
    )


async def find_suppression(
    session: AsyncSession, channel: MessageChannel, address: str
) -> SuppressionRow | None:
    """The address's suppression on the channel, if any. Runs before every send.

    When rows differ only by case (see `suppress`), whichever the index gives first answers:
    any of them means the person is not to be mailed."""
    if channel is not MessageChannel.EMAIL:
        return await session.get(SuppressionRow, (channel.value, address))
    found = await session.execute(
        select(SuppressionRow).where(suppressions_of(channel, address)).limit(1)
    )
    return found.scalars().first()


async def suppress(
    session: AsyncSession,
    channel: MessageChannel,
    address: str,
    reason: AddressProblem,
    detail: str | None = None,
) -> None:
    """Add (or refresh) an address on the channel's suppression list.

    An email address already listed in another case is refreshed (reason and detail), keeping
    the address as first listed, rather than listed again: one row per person, as for an
    exact repeat. Two first suppressions racing in different cases may still make two rows;
    lookups match either and `lift_suppression` removes every case variant, so both hold.
    """
    if channel is MessageChannel.EMAIL:
        refreshed = await session.execute(
            update(cast(Table, SuppressionRow.__table__))
            .where(suppressions_of(channel, address))
            .values(reason=reason.value, detail=detail)
        )
        if cast(CursorResult[Any], refreshed).rowcount:
            return
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


async def lift_suppression(
    session: AsyncSession,
    channel: MessageChannel,
    address: str,
    reason: AddressProblem | None = None,
) -> bool:
    """Remove an address from the list (a customer fixed it, or opted back in), only where it
    was listed for `reason` when one is given.

    For email, every case variant goes: one left behind would keep suppressing the person
    after they opted back in."""
    condition = suppressions_of(channel, address)
    if reason is not None:
        condition &= SuppressionRow.reason == reason.value
    lifted = await session.execute(delete(SuppressionRow).where(condition))
    return bool(cast(CursorResult[Any], lifted).rowcount)


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

    The endpoint is marked only while its address is still `address` (for email, whatever
    the case): a late bounce of an address the customer has since corrected suppresses the
    old address and leaves the endpoint, now at a good one, as it is. With no endpoint row
    (a message to a raw address) the address is suppressed all the same.
    """
    change = {"endpoint_status": "INACTIVE"}
    if problem is AddressProblem.OPTED_OUT:
        change = {"opt_out": "ALL"}
    await session.execute(
        update(EndpointRow)
        .where(EndpointRow.id == endpoint_id, same_address(EndpointRow.address, channel, address))
        # The checksum no longer describes the row: the app writing it ACTIVE again is a change.
        .values(**change, updated_at=utcnow(), checksum=None)
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
