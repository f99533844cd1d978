"""The event-stream outbox: events waiting for each sink, in the order they were recorded.

An event is queued for every registered sink in the transaction that records it, so an
event is never recorded without being queued, nor queued twice (the events table ignores a
repeated id before anything is queued). A shipper holds a sink's lease while it ships,
renewing it while the sink has a batch, takes the oldest waiting events and deletes them
once the sink has them (or refuses them for good: dropped, counted). Only the lease's holder
settles a batch: a shipper whose lease another took changes nothing, since the events it
sent are the other's now.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from herald.models import Event
from herald.store.analytics_tables import StreamOutboxRow, StreamSinkRow
from herald.store.clock import aware, utcnow
from herald.store.dialect import insert_for
from herald.store.events import event_of
from herald.store.tables import EventRow


@dataclass(frozen=True)
class Waiting:
    seq: int
    event: Event
    arrival: datetime


@dataclass(frozen=True)
class SinkState:
    name: str
    kind: str
    waiting: int
    oldest_waiting_at: datetime | None
    shipped: int
    dropped: int
    failures: int
    last_error: str | None
    last_shipped_at: datetime | None
    next_attempt_at: datetime | None


async def register_sinks(session: AsyncSession, sinks: dict[str, str]) -> list[str]:
    """Register the configured sinks (name -> kind); forget sinks no longer configured,
    with what was waiting for them. Returns the names forgotten."""
    now = utcnow()
    for name, kind in sinks.items():
        stmt = insert_for(session, StreamSinkRow).values(
            name=name, kind=kind, registered_at=now, failures=0, shipped=0, dropped=0
        )
        await session.execute(
            stmt.on_conflict_do_update(index_elements=["name"], set_={"kind": kind})
        )
    gone = list(
        (
            await session.execute(
                select(StreamSinkRow.name).where(StreamSinkRow.name.not_in(list(sinks)))
            )
        ).scalars()
    )
    if gone:
        await session.execute(delete(StreamOutboxRow).where(StreamOutboxRow.sink.in_(gone)))
        await session.execute(delete(StreamSinkRow).where(StreamSinkRow.name.in_(gone)))
    return gone


async def take_lease(session: AsyncSession, sink: str, owner: str, hold: timedelta) -> bool:
    """Hold the sink for `hold` unless another shipper holds it: one shipper per sink keeps
    its events in order."""
    now = utcnow()
    result = await session.execute(
        update(StreamSinkRow)
        .where(StreamSinkRow.name == sink)
        .where(
            or_(
                StreamSinkRow.lease_owner.is_(None),
                StreamSinkRow.lease_owner == owner,
                StreamSinkRow.lease_until < now,
            )
        )
        .values(lease_owner=owner, lease_until=now + hold)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


async def renew_lease(session: AsyncSession, sink: str, owner: str, hold: timedelta) -> bool:
    """Hold the sink `hold` longer if `owner` still holds it (its time may have run out, if
    no other shipper took it since); False if another shipper has it now."""
    return await _held(session, sink, owner, lease_until=utcnow() + hold)


async def release_lease(session: AsyncSession, sink: str, owner: str) -> None:
    await session.execute(
        update(StreamSinkRow)
        .where(StreamSinkRow.name == sink, StreamSinkRow.lease_owner == owner)
        .values(lease_owner=None, lease_until=None)
    )


async def oldest_waiting(session: AsyncSession, sink: str, limit: int) -> list[Waiting]:
    query = (
        select(StreamOutboxRow.seq, EventRow)
        .join(EventRow, EventRow.id == StreamOutboxRow.event_id)
        .where(StreamOutboxRow.sink == sink)
        .order_by(StreamOutboxRow.seq)
        .limit(limit)
    )
    return [
        Waiting(seq=seq, event=event_of(row), arrival=aware(row.received_at))
        for seq, row in await session.execute(query)
    ]


async def shipped(
    session: AsyncSession,
    sink: str,
    owner: str,
    seqs: Sequence[int],
    dropped: Sequence[int] = (),
) -> bool:
    """The sink took the events `seqs` and refused `dropped` for good: all leave the outbox,
    the dropped ones counted, and the sink's failures reset. False, changing nothing, if
    `owner` no longer holds the sink's lease."""
    counts: dict[str, Any] = {"shipped": StreamSinkRow.shipped + len(seqs)}
    if seqs:
        counts["last_shipped_at"] = utcnow()
    if dropped:
        counts["dropped"] = StreamSinkRow.dropped + len(dropped)
    settled = await _held(
        session, sink, owner, failures=0, next_attempt_at=None, last_error=None, **counts
    )
    if settled:
        await session.execute(
            delete(StreamOutboxRow).where(
                StreamOutboxRow.sink == sink, StreamOutboxRow.seq.in_([*seqs, *dropped])
            )
        )
    return settled


async def failures(session: AsyncSession, sink: str) -> int:
    """Failed attempts in a row of the sink so far."""
    found = await session.execute(select(StreamSinkRow.failures).where(StreamSinkRow.name == sink))
    return int(found.scalar_one_or_none() or 0)


async def failed(
    session: AsyncSession, sink: str, owner: str, error: str, retry_at: datetime
) -> int | None:
    """Record a failed attempt; returns the failures in a row so far. None, recording
    nothing, if `owner` no longer holds the sink's lease."""
    if not await _held(
        session,
        sink,
        owner,
        failures=StreamSinkRow.failures + 1,
        last_error=error,
        next_attempt_at=retry_at,
    ):
        return None
    found = await session.execute(select(StreamSinkRow.failures).where(StreamSinkRow.name == sink))
    return int(found.scalar_one())


async def _held(session: AsyncSession, sink: str, owner: str, **values: Any) -> bool:
    """Update the sink's row if `owner` holds its lease (the row, locked until the
    transaction ends, keeps it theirs meanwhile); whether they do."""
    result = await session.execute(
        update(StreamSinkRow)
        .where(StreamSinkRow.name == sink, StreamSinkRow.lease_owner == owner)
        .values(**values)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


async def sink_states(session: AsyncSession) -> list[SinkState]:
    """Each registered sink with what waits for it: the stream lag operators watch."""
    waiting = (
        select(
            StreamOutboxRow.sink,
            func.count().label("n"),
            func.min(StreamOutboxRow.created_at).label("oldest"),
        )
        .group_by(StreamOutboxRow.sink)
        .subquery()
    )
    query = (
        select(StreamSinkRow, waiting.c.n, waiting.c.oldest)
        .outerjoin(waiting, waiting.c.sink == StreamSinkRow.name)
        .order_by(StreamSinkRow.name)
    )
    return [
        SinkState(
            name=row.name,
            kind=row.kind,
            waiting=int(n or 0),
            oldest_waiting_at=_aware_or_none(oldest),
            shipped=row.shipped,
            dropped=row.dropped,
            failures=row.failures,
            last_error=row.last_error,
            last_shipped_at=_aware_or_none(row.last_shipped_at),
            next_attempt_at=_aware_or_none(row.next_attempt_at),
        )
        for row, n, oldest in await session.execute(query)
    ]


def _aware_or_none(value: datetime | str | None) -> datetime | None:
    if value is None:
        return None
    if isinstance(value, str):  # SQLite returns an aggregate of a timestamp as text
        value = datetime.fromisoformat(value)
    return aware(value)
