"""Inbound messages: stored once per provider message id, then marked with their outcome."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from herald.inbound.models import InboundMessage, InboundOutcome, InboundResult
from herald.models import AddressProblem, MessageChannel
from herald.store.address_match import same_address
from herald.store.clock import utcnow
from herald.store.dialect import insert_for
from herald.store.suppressions import lift_suppression, suppress
from herald.store.tables import EndpointRow, JourneyEntryRow, MessageRow
from herald.store.twoway_tables import InboundMessageRow

# The key of Herald's answer to a keyword, before the inbound message's id.
KEYWORD_REPLY_PREFIX = "keyword-reply:"


async def claim_inbound(session: AsyncSession, message: InboundMessage) -> tuple[int, bool]:
    """(id, whether it still needs handling). A provider's retry of a message handled
    before finds it finished; a retry after a crash mid-way handles it again."""
    stmt = insert_for(session, InboundMessageRow).values(
        provider=message.provider,
        provider_message_id=message.provider_message_id,
        channel=message.channel,
        from_address=message.from_address,
        to_address=message.to_address,
        text=message.text,
        outcome=InboundOutcome.RECEIVED.value,
        endpoint_ids=[],
        routed_to=0,
        received_at=message.received_at,
    )
    await session.execute(
        stmt.on_conflict_do_nothing(index_elements=["provider", "provider_message_id"])
    )
    row = (
        await session.execute(
            select(InboundMessageRow).where(
                InboundMessageRow.provider == message.provider,
                InboundMessageRow.provider_message_id == message.provider_message_id,
            )
        )
    ).scalar_one()
    return row.id, row.outcome == InboundOutcome.RECEIVED.value


async def finish_inbound(session: AsyncSession, result: InboundResult) -> None:
    await session.execute(
        update(InboundMessageRow)
        .where(InboundMessageRow.id == result.id)
        .values(
            outcome=result.outcome.value,
            keyword=result.keyword,
            endpoint_ids=result.endpoint_ids,
            routed_to=result.routed_to,
        )
    )


async def list_inbound(session: AsyncSession, limit: int = 100) -> list[InboundMessageRow]:
    rows = await session.execute(
        select(InboundMessageRow).order_by(InboundMessageRow.id.desc()).limit(limit)
    )
    return list(rows.scalars())


async def endpoints_at(session: AsyncSession, channel: str, address: str) -> list[str]:
    """Ids of the endpoints of a channel with this address (a person may have several).

    An email address matches whatever its case: endpoints keep the local part as imported
    (`Jane.Doe@example.com`), while mail systems treat it case-insensitively and a reply may
    come from `JANE.DOE@example.com`; every endpoint that differs only by case is the
    sender's. Phone numbers are E.164 on both sides and compared as they are.
    """
    rows = await session.execute(
        select(EndpointRow.id)
        .where(
            EndpointRow.channel_type == channel,
            same_address(EndpointRow.address, channel, address),
        )
        .order_by(EndpointRow.id)
    )
    return list(rows.scalars())


async def answered_messages(
    session: AsyncSession, channel: str, endpoint_ids: Sequence[str]
) -> dict[str, tuple[str, str | None]]:
    """Per endpoint, the message a reply from it answers: the last one sent to it on the
    channel, as (idempotency key, provider message id). An SMS carries no thread, and an
    email's In-Reply-To names the provider's id only when the provider kept it; the last
    message is what Pinpoint's two-way messaging answered too.

    Herald's own answers to keywords (HELP, STOP, START, keyed `KEYWORD_REPLY_PREFIX` and the
    inbound id) are not it: a person who texts HELP and then answers the
    question answers the question. Nothing but their key tells them apart (they carry no
    journey, campaign or template, and neither do direct sends), so the key's prefix does;
    the look-up is still by endpoint_id's index."""
    answered: dict[str, tuple[str, str | None]] = {}
    for endpoint_id in endpoint_ids:
        row = (
            await session.execute(
                select(MessageRow.idempotency_key, MessageRow.provider_message_id)
                .where(
                    MessageRow.endpoint_id == endpoint_id,
                    MessageRow.channel == channel,
                    MessageRow.status == "SENT",
                    MessageRow.idempotency_key.not_like(f"{KEYWORD_REPLY_PREFIX}%"),
                )
                .order_by(MessageRow.created_at.desc())
                .limit(1)
            )
        ).first()
        if row is not None:
            answered[endpoint_id] = (row[0], row[1])
    return answered


async def set_opt_out(
    session: AsyncSession,
    channel: MessageChannel,
    address: str,
    ids: Sequence[str],
    out: bool,
    *,
    detail: str = "keyword reply",
) -> None:
    """Opt an address out (every endpoint with it, and the suppression list, which outlives
    the endpoints) or back in (only an opt-out is lifted, never an invalid address).

    The endpoints' checksum no longer describes them: cleared, so the app's next write of
    one is stored whatever it says (an OptOut the checksum still matched was skipped)."""
    if ids:
        await session.execute(
            update(EndpointRow)
            .where(EndpointRow.id.in_(list(ids)))
            .values(opt_out="ALL" if out else "NONE", updated_at=utcnow(), checksum=None)
        )
    if out:
        await suppress(session, channel, address, AddressProblem.OPTED_OUT, detail)
        return
    await lift_suppression(session, channel, address, AddressProblem.OPTED_OUT)


async def has_entered(session: AsyncSession, endpoint_id: str) -> bool:
    """Whether the endpoint, or its user (in journeys whose participants are users), was ever
    a journey participant (only then can one wait)."""
    user = select(EndpointRow.user_id).where(EndpointRow.id == endpoint_id).scalar_subquery()
    found = await session.execute(
        select(JourneyEntryRow.journey)
        .where(
            or_(
                JourneyEntryRow.participant_id == endpoint_id,
                JourneyEntryRow.participant_id == user,
            )
        )
        .limit(1)
    )
    return found.first() is not None
