"""The message log. A send first claims its idempotency key; the unique constraint makes a
second claim of the same key find the first one instead of sending again."""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast

from sqlalchemy import CursorResult, Row, Select, Table, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from herald.models import MessageChannel, MessageRecord, MessageStatus
from herald.store.clock import aware, utcnow
from herald.store.dialect import insert_for
from herald.store.tables import MessageRow


async def claim_message(
    session: AsyncSession,
    *,
    idempotency_key: str,
    channel: MessageChannel,
    endpoint_id: str,
    journey: str | None = None,
    journey_version: int | None = None,
    step_id: str | None = None,
    campaign: str | None = None,
    template: str | None = None,
    at: datetime | None = None,
) -> MessageRecord:
    """Record a PENDING message for the key, or return the record already there.

    `at` is when the sender (a workflow) sent it; caps count messages by it (by the last
    attempt's, for a claim asked again while still PENDING)."""
    now = at or utcnow()
    stmt = insert_for(session, MessageRow).values(
        idempotency_key=idempotency_key,
        channel=channel.value,
        endpoint_id=endpoint_id,
        status=MessageStatus.PENDING.value,
        journey=journey,
        journey_version=journey_version,
        step_id=step_id,
        campaign=campaign,
        template=template,
        created_at=now,
        updated_at=now,
    )
    # A claim still PENDING (a send quiet time, open hours or a closed day held, asking again)
    # takes this attempt's time: caps count a message from when it went, and a held message
    # is sent (if at all) by its last attempt. A finished one stays as it is.
    again = stmt.on_conflict_do_update(
        index_elements=["idempotency_key"],
        set_={"created_at": now, "updated_at": now},
        where=_TABLE.c.status == MessageStatus.PENDING.value,
    )
    claimed = await session.execute(again.returning(*_COLUMNS))
    # A new or re-attempted claim comes back from the insert; a finished one is read as it is.
    row = claimed.first() or (await session.execute(_select_key(idempotency_key))).first()
    assert row is not None
    return _to_model(row)


async def finish_message(
    session: AsyncSession,
    idempotency_key: str,
    status: MessageStatus,
    *,
    provider: str | None = None,
    provider_message_id: str | None = None,
    origin: str | None = None,
    template_version: int | None = None,
    reason: str | None = None,
    address: str | None = None,
) -> MessageRecord:
    """Settle the key's message. `address`: the address it was handed to the provider for
    (kept for its receipts: a late bounce suppresses that one); None leaves it as it is."""
    values: dict[str, Any] = {
        "status": status.value,
        "provider": provider,
        "provider_message_id": provider_message_id,
        "reason": reason,
        "origin": origin,
        "updated_at": utcnow(),
    }
    if template_version is not None:
        values["template_version"] = template_version
    if address is not None:
        values["address"] = address
    # Core UPDATE ... RETURNING: one statement, where loading the row and flushing took two.
    finished = await session.execute(
        update(_TABLE)
        .where(_TABLE.c.idempotency_key == idempotency_key)
        .values(values)
        .returning(*_COLUMNS)
    )
    row = finished.first()
    if row is None:
        raise LookupError(f"no message with idempotency key {idempotency_key!r}")
    return _to_model(row)


async def note_receipt(session: AsyncSession, idempotency_key: str, note: str) -> None:
    """Write a delivery receipt on the message's log row (its `reason`; the status stays):
    for a message whose receipt cannot be an engagement event, having no endpoint (a
    transactional send to a raw address, a one-time password)."""
    await session.execute(
        update(_TABLE)
        .where(_TABLE.c.idempotency_key == idempotency_key)
        .values(reason=note, updated_at=utcnow())
    )


async def skip_pending(session: AsyncSession, keys: list[str], reason: str) -> int:
    """Settle the claims among `keys` still PENDING as SKIPPED (a send its workflow gave up
    on); a message already sent or settled stays as it is. Returns how many were settled."""
    skipped = await session.execute(
        update(_TABLE)
        .where(
            _TABLE.c.idempotency_key.in_(keys),
            _TABLE.c.status == MessageStatus.PENDING.value,
        )
        .values(status=MessageStatus.SKIPPED.value, reason=reason, updated_at=utcnow())
    )
    return cast(CursorResult[Any], skipped).rowcount


async def get_message(session: AsyncSession, idempotency_key: str) -> MessageRecord | None:
    row = (await session.execute(_select_key(idempotency_key))).first()
    return _to_model(row) if row else None


async def list_messages(
    session: AsyncSession, *, journey: str | None = None, endpoint_id: str | None = None
) -> list[MessageRecord]:
    query = select(*_COLUMNS).order_by(_TABLE.c.id)
    if journey:
        query = query.where(_TABLE.c.journey == journey)
    if endpoint_id:
        query = query.where(_TABLE.c.endpoint_id == endpoint_id)
    return [_to_model(r) for r in (await session.execute(query)).all()]


async def sent_origins(
    session: AsyncSession, *, workflow_id: str, journey: str, endpoint_id: str, channel: str
) -> set[str | None]:
    """The origins of the messages one journey workflow sent to an endpoint on a channel
    (None for a message whose origin is unknown). Its keys start with the workflow id and
    the step id (`workflows.steps.send.idempotency_key`)."""
    rows = await session.execute(
        select(MessageRow.idempotency_key, MessageRow.step_id, MessageRow.origin).where(
            MessageRow.endpoint_id == endpoint_id,
            MessageRow.journey == journey,
            MessageRow.channel == channel,
            MessageRow.status == MessageStatus.SENT.value,
        )
    )
    return {origin for key, step, origin in rows.all() if key.startswith(f"{workflow_id}:{step}:")}


# Rows are read and written as Core rows, never ORM objects: an object loaded into a session
# would keep its old status after an UPDATE ... RETURNING in the same session.
_TABLE = cast(Table, MessageRow.__table__)
_COLUMNS = tuple(_TABLE.c)


def _select_key(idempotency_key: str) -> Select[Any]:
    return select(*_COLUMNS).where(_TABLE.c.idempotency_key == idempotency_key)


def _to_model(row: Row[Any]) -> MessageRecord:
    return MessageRecord(
        idempotency_key=row.idempotency_key,
        channel=MessageChannel(row.channel),
        endpoint_id=row.endpoint_id,
        status=MessageStatus(row.status),
        journey=row.journey,
        journey_version=row.journey_version,
        step_id=row.step_id,
        campaign=row.campaign,
        treatment=row.treatment,
        template=row.template,
        template_version=row.template_version,
        provider=row.provider,
        provider_message_id=row.provider_message_id,
        origin=row.origin,
        address=row.address,
        reason=row.reason,
        created_at=aware(row.created_at),
    )
