"""Storage of the local outbox provider."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from herald.models import MessageChannel, OutboxMessage, OutgoingMessage, RenderedMessage
from herald.store.clock import aware, utcnow
from herald.store.dialect import insert_for
from herald.store.tables import OutboxRow


async def add_to_outbox(session: AsyncSession, message: OutgoingMessage) -> int:
    """Keep a message once per idempotency key. Returns its outbox id (old or new)."""
    stmt = insert_for(session, OutboxRow).values(
        idempotency_key=message.idempotency_key,
        channel=message.channel.value,
        endpoint_id=message.endpoint_id,
        address=message.address,
        content=message.content.model_dump(mode="json", exclude_none=True),
        journey=message.journey,
        step_id=message.step_id,
        created_at=utcnow(),
    )
    added = await session.execute(
        stmt.on_conflict_do_nothing(index_elements=["idempotency_key"]).returning(OutboxRow.id)
    )
    outbox_id = added.scalar()  # None when the key was kept before: read its id
    if outbox_id is None:
        result = await session.execute(
            select(OutboxRow.id).where(OutboxRow.idempotency_key == message.idempotency_key)
        )
        outbox_id = result.scalar_one()
    return int(outbox_id)


async def list_outbox(
    session: AsyncSession,
    *,
    journey: str | None = None,
    endpoint_id: str | None = None,
    limit: int = 100,
    after_id: int = 0,
) -> list[OutboxMessage]:
    """The newest `limit` messages (with ids above `after_id`), oldest first."""
    query = (
        select(OutboxRow).where(OutboxRow.id > after_id).order_by(OutboxRow.id.desc()).limit(limit)
    )
    if journey:
        query = query.where(OutboxRow.journey == journey)
    if endpoint_id:
        query = query.where(OutboxRow.endpoint_id == endpoint_id)
    rows = list((await session.execute(query)).scalars())
    return [
        OutboxMessage(
            id=r.id,
            idempotency_key=r.idempotency_key,
            channel=MessageChannel(r.channel),
            endpoint_id=r.endpoint_id,
            address=r.address,
            content=RenderedMessage.model_validate(r.content),
            journey=r.journey,
            step_id=r.step_id,
            created_at=aware(r.created_at),
        )
        for r in reversed(rows)
    ]
