"""Provider rate limits kept in the database, so every worker of a task queue shares them.

Each provider has one row holding the earliest time its next message may go (the
"theoretical arrival time" of the generic cell rate algorithm, in microseconds since the
epoch). Reserving a slot is one conditional UPDATE: PostgreSQL's row lock and SQLite's
single writer make concurrent reservations from any number of workers take distinct slots.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import case, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from herald.store.dialect import insert_for
from herald.store.tables import ProviderThrottleRow


@dataclass(frozen=True)
class Reservation:
    """`wait_us` until the reserved slot, or no slot (`granted` False) before `retry_after_us`."""

    granted: bool
    wait_us: int = 0
    retry_after_us: int = 0


async def reserve_slot(
    session: AsyncSession,
    name: str,
    *,
    now_us: int,
    interval_us: int,
    burst: int,
    max_wait_us: int,
) -> Reservation:
    """Reserve the next slot of `name` if it comes within `max_wait_us` of now."""
    tolerance = (burst - 1) * interval_us
    for _ in range(3):
        if await _take(session, name, now_us, interval_us, tolerance, max_wait_us):
            next_free = await _next_free(session, name)
            assert next_free is not None
            start = next_free - interval_us
            return Reservation(granted=True, wait_us=max(0, start - tolerance - now_us))
        next_free = await _next_free(session, name)
        if next_free is None:
            await session.execute(
                insert_for(session, ProviderThrottleRow)
                .values(name=name, next_free_us=0)
                .on_conflict_do_nothing(index_elements=["name"])
            )
            continue
        wait = max(next_free, now_us) - tolerance - now_us
        if wait > max_wait_us:
            return Reservation(granted=False, retry_after_us=wait)
        # The row was committed by another worker between our UPDATE and SELECT: go again.
    raise RuntimeError(f"throttle {name!r}: no slot after three attempts")


async def _take(
    session: AsyncSession, name: str, now: int, interval: int, tolerance: int, max_wait: int
) -> bool:
    row = ProviderThrottleRow
    start = case((row.next_free_us > now, row.next_free_us), else_=now)
    result = await session.execute(
        update(row)
        .where(row.name == name, start - tolerance - now <= max_wait)
        .values(next_free_us=start + interval)
        .execution_options(synchronize_session=False)
    )
    return bool(getattr(result, "rowcount", 0))


async def _next_free(session: AsyncSession, name: str) -> int | None:
    result = await session.execute(
        select(ProviderThrottleRow.next_free_us).where(ProviderThrottleRow.name == name)
    )
    value = result.scalar_one_or_none()
    return int(value) if value is not None else None
