"""The per-provider throttle lives in the database: workers with their own connections share
it, on SQLite and PostgreSQL. Time is a fixed clock and sleeps are recorded, never slept."""

from __future__ import annotations

import asyncio

import pytest

from herald.channels.outbox import OutboxProvider
from herald.channels.throttle import Throttle, ThrottledProvider
from herald.models import DeliveryStatus, MessageChannel
from herald.store import Database
from tests.channels.messages import outgoing

NOW = 1_900_000_000.0


def _throttle(database: Database, **options: float) -> Throttle:
    return Throttle(database, "sms.test", rate_per_second=10, clock=lambda: NOW, **options)  # type: ignore[arg-type]


async def test_two_workers_share_one_rate(database: Database) -> None:
    other_worker = Database(database.url)
    try:
        throttles = [_throttle(database), _throttle(other_worker)]
        reservations = await asyncio.gather(*(throttles[i % 2].reserve() for i in range(6)))
    finally:
        await other_worker.dispose()

    assert all(r.granted for r in reservations)
    assert sorted(r.wait_us for r in reservations) == [
        0,
        100_000,
        200_000,
        300_000,
        400_000,
        500_000,
    ]


async def test_a_slot_beyond_the_wait_budget_is_not_taken(database: Database) -> None:
    throttle = _throttle(database, max_wait=0.25)
    taken = [await throttle.reserve() for _ in range(3)]
    refused = await throttle.reserve()
    again = await throttle.reserve()

    assert [r.wait_us for r in taken] == [0, 100_000, 200_000]
    assert (refused.granted, refused.retry_after_us) == (False, 300_000)
    assert again.retry_after_us == 300_000, "a refused reservation books nothing"


async def test_a_burst_goes_at_once_then_the_rate_applies(database: Database) -> None:
    throttle = _throttle(database, burst=3)
    waits = [(await throttle.reserve()).wait_us for _ in range(5)]

    assert waits == [0, 0, 0, 100_000, 200_000]


async def test_the_provider_waits_for_its_slots_and_defers_the_rest(
    sqlite_database: Database,
) -> None:
    slept: list[float] = []

    async def record(seconds: float) -> None:
        slept.append(seconds)

    throttle = Throttle(
        sqlite_database, "email.outbox", rate_per_second=2, max_wait=0.6, clock=lambda: NOW
    )
    provider = ThrottledProvider(OutboxProvider(sqlite_database), throttle, sleep=record)
    messages = [
        outgoing(MessageChannel.EMAIL, f"u{i}@example.com", subject="s", text="t") for i in range(3)
    ]
    results = await provider.send(messages)

    assert [r.status for r in results] == [
        DeliveryStatus.ACCEPTED,
        DeliveryStatus.ACCEPTED,
        DeliveryStatus.RETRYABLE,
    ]
    assert slept == [0.5]
    assert results[2].retry_after == pytest.approx(1.0)
    assert results[2].reason is not None and "throttled" in results[2].reason
