"""Storage of in-app messages: kept once per idempotency key, capped per endpoint."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from herald.models import InAppContent, MessageChannel, OutgoingMessage
from herald.models.inapp import InAppMessage
from herald.store.clock import aware, utcnow
from herald.store.dialect import insert_for
from herald.store.tables import InAppMessageRow, MessageRow


def provider_message_id(message_id: int) -> str:
    """The id the message log (and the send event) keeps for in-app message `message_id`;
    engagement events name the message by it too, so the metrics find its send."""
    return f"in-app-{message_id}"


@dataclass(frozen=True)
class ShownMessage:
    """An endpoint's in-app message as its engagement names it; `live` if still fetched."""

    id: int
    idempotency_key: str
    journey: str | None
    step_id: str | None
    live: bool


async def add_in_app(
    session: AsyncSession,
    message: OutgoingMessage,
    content: InAppContent,
    *,
    expires_at: datetime | None,
    cap: int,
) -> int:
    """Keep `content` for the endpoint once per key; evict beyond `cap`. Returns its id."""
    now = utcnow()
    stmt = insert_for(session, InAppMessageRow).values(
        idempotency_key=message.idempotency_key,
        endpoint_id=message.endpoint_id,
        content=content.model_dump(mode="json", exclude_none=True),
        priority=content.priority,
        expires_at=expires_at,
        journey=message.journey,
        step_id=message.step_id,
        created_at=now,
    )
    await session.execute(stmt.on_conflict_do_nothing(index_elements=["idempotency_key"]))
    found = await session.execute(
        select(InAppMessageRow.id).where(InAppMessageRow.idempotency_key == message.idempotency_key)
    )
    message_id = int(found.scalar_one())
    await _enforce_cap(session, message.endpoint_id, cap, now)
    return message_id


async def _enforce_cap(session: AsyncSession, endpoint_id: str, cap: int, now: datetime) -> None:
    # Expired messages go first; then the lowest priority, oldest ones beyond the cap, so an
    # app that never dismisses anything still holds a bounded, most-important-first list.
    row = InAppMessageRow
    await session.execute(delete(row).where(row.endpoint_id == endpoint_id, row.expires_at <= now))
    kept = await session.execute(
        select(row.id)
        .where(row.endpoint_id == endpoint_id, row.dismissed_at.is_(None))
        .order_by(row.priority.desc(), row.id.desc())
        .offset(cap)
    )
    evicted = list(kept.scalars())
    if evicted:
        await session.execute(delete(row).where(row.id.in_(evicted)))


async def list_in_app(session: AsyncSession, endpoint_id: str) -> list[InAppMessage]:
    """The endpoint's live messages: not dismissed, not expired, highest priority first."""
    row = InAppMessageRow
    result = await session.execute(
        select(row)
        .where(
            row.endpoint_id == endpoint_id,
            row.dismissed_at.is_(None),
            or_(row.expires_at.is_(None), row.expires_at > utcnow()),
        )
        .order_by(row.priority.desc(), row.id.desc())
    )
    return [
        InAppMessage(
            id=r.id,
            endpoint_id=r.endpoint_id,
            content=InAppContent.model_validate(r.content),
            priority=r.priority,
            expires_at=r.expires_at,
            created_at=r.created_at,
            journey=r.journey,
            step_id=r.step_id,
        )
        for r in result.scalars()
    ]


async def dismiss_in_app(session: AsyncSession, endpoint_id: str, message_id: int) -> bool:
    """The app showed (or the user closed) a message: it is not fetched again."""
    row = InAppMessageRow
    result = await session.execute(
        update(row)
        .where(row.id == message_id, row.endpoint_id == endpoint_id, row.dismissed_at.is_(None))
        .values(dismissed_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    return bool(getattr(result, "rowcount", 0))


async def find_in_app(
    session: AsyncSession, endpoint_id: str, message_id: int
) -> ShownMessage | None:
    """The endpoint's message `message_id`, live or not: an app reports a display or a click
    on what it showed, which it may have dismissed since, or which may have expired. One
    deleted since (expired at a later send, or beyond the cap) is found in the message log."""
    row = await session.get(InAppMessageRow, message_id)
    if row is not None and row.endpoint_id == endpoint_id:
        expired = row.expires_at is not None and aware(row.expires_at) <= utcnow()
        return ShownMessage(
            id=row.id,
            idempotency_key=row.idempotency_key,
            journey=row.journey,
            step_id=row.step_id,
            live=row.dismissed_at is None and not expired,
        )
    logged = await session.execute(
        select(MessageRow.idempotency_key, MessageRow.journey, MessageRow.step_id)
        .where(
            MessageRow.endpoint_id == endpoint_id,
            MessageRow.channel == MessageChannel.IN_APP.value,
            MessageRow.provider_message_id == provider_message_id(message_id),
        )
        .order_by(MessageRow.id.desc())
        .limit(1)
    )
    found = logged.first()
    if found is None:
        return None
    return ShownMessage(
        id=message_id, idempotency_key=found[0], journey=found[1], step_id=found[2], live=False
    )
