"""Two workers' shippers on one sink: the one holding the sink's lease keeps it while its call
to the sink lasts (an SNS batch is up to 100 sequential Publish calls), so the other never
ships the same events; a shipper whose lease was taken all the same settles nothing."""

from __future__ import annotations

import asyncio
import collections
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from sqlalchemy import update

from herald.models import Event
from herald.store import Database
from herald.store import stream_outbox as outbox
from herald.store.analytics_tables import StreamSinkRow
from herald.store.events import put_event
from herald.streams import StreamSettings, StreamShipper
from herald.streams.base import Record, Shipped
from tests.helpers import eventually

LEASE = 1.0  # seconds; 30 by default
SETTINGS = StreamSettings(batch_size=10, poll_interval=0.05, retry_initial=0.05, lease=LEASE)


class SlowOnceSink:
    """A sink whose first call takes `slow` seconds (a slow destination); every record it got,
    whether that call was abandoned, and events for when it began and ended."""

    kind = "file"

    def __init__(self, name: str, log: list[str], *, slow: float = 0.0) -> None:
        self.name = name
        self.abandoned = False
        self.calling, self.called = asyncio.Event(), asyncio.Event()
        self._log = log
        self._slow = slow

    async def check(self) -> None:
        return None

    async def put(self, records: Sequence[Record]) -> Shipped:
        if not self._slow:
            self._log.extend(str(r["event_id"]) for r in records)
            return Shipped.first(len(records))
        slow, self._slow = self._slow, 0.0
        self.calling.set()
        try:
            await asyncio.sleep(slow)  # the destination taking its time, not a wait in a test
            self._log.extend(str(r["event_id"]) for r in records)
            return Shipped.first(len(records))
        except asyncio.CancelledError:
            self.abandoned = True
            raise
        finally:
            self.called.set()

    async def aclose(self) -> None:
        return None


async def record(database: Database, n: int) -> None:
    async with database.session() as session:
        for i in range(n):
            await put_event(
                session,
                Event(
                    id=f"ev-{i}",
                    endpoint_id="ann",
                    event_type="purchase",
                    timestamp=datetime(2026, 3, 1, 9, i, tzinfo=UTC),
                ),
            )


async def test_a_slow_batch_is_not_shipped_twice_by_two_shippers(database: Database) -> None:
    received: list[str] = []
    slow = SlowOnceSink("out", received, slow=2 * LEASE)
    first = StreamShipper(database, SETTINGS, sinks=[slow])
    await first.start()
    await record(database, 3)
    await asyncio.wait_for(slow.calling.wait(), LEASE * 5)  # it holds the lease, in its call
    second = StreamShipper(database, SETTINGS, sinks=[SlowOnceSink("out", received)])
    await second.start()
    try:
        await eventually(lambda: asyncio.sleep(0, received), lambda r: len(r) >= 3)
        await asyncio.wait_for(slow.called.wait(), LEASE * 5)  # what the first sends is in
    finally:
        await second.stop()
        await first.stop()
    twice = {i: n for i, n in collections.Counter(received).items() if n > 1}
    assert twice == {}, f"shipped by both shippers: {twice} ({received})"


async def test_a_shipper_whose_lease_was_taken_settles_nothing(database: Database) -> None:
    async with database.session() as session:
        await outbox.register_sinks(session, {"out": "file"})
    await record(database, 2)
    async with database.session() as session:
        assert await outbox.take_lease(session, "out", "first", timedelta(seconds=-1))
        [one, two] = await outbox.oldest_waiting(session, "out", 10)
    async with database.session() as session:  # the first's lease ran out: the second's now
        assert await outbox.take_lease(session, "out", "second", timedelta(seconds=30))
    async with database.session() as session:
        assert not await outbox.renew_lease(session, "out", "first", timedelta(seconds=30))
        assert not await outbox.shipped(session, "out", "first", [one.seq], [two.seq])
        assert await outbox.failed(session, "out", "first", "late", datetime.now(UTC)) is None
    async with database.session() as session:
        [state] = await outbox.sink_states(session)
    assert (state.waiting, state.shipped, state.dropped, state.failures) == (2, 0, 0, 0)
    async with database.session() as session:
        assert await outbox.shipped(session, "out", "second", [one.seq], [two.seq])
        [state] = await outbox.sink_states(session)
    assert (state.waiting, state.shipped, state.dropped) == (0, 1, 1)


async def test_a_shipper_that_loses_its_lease_mid_call_abandons_the_batch(
    database: Database,
) -> None:
    """Another shipper took the lease while the call lasted (this one could not renew it in
    time): the call is abandoned and the events stay for whoever holds the lease."""
    received: list[str] = []
    sink = SlowOnceSink("out", received, slow=30.0)
    shipper = StreamShipper(database, SETTINGS, sinks=[sink])
    await shipper.start()
    try:
        await record(database, 3)
        await asyncio.wait_for(sink.calling.wait(), LEASE * 5)
        async with database.session() as session:
            await session.execute(
                update(StreamSinkRow)
                .where(StreamSinkRow.name == "out")
                .values(lease_owner="another", lease_until=datetime.now(UTC))
            )
        await eventually(lambda: asyncio.sleep(0, sink.abandoned), bool, deadline_s=LEASE * 2)
        async with database.session() as session:
            [state] = await outbox.sink_states(session)
        assert (state.waiting, state.shipped, received) == (3, 0, [])
        # The other shipper's lease runs out unrenewed: this one takes the sink back.
        await eventually(lambda: asyncio.sleep(0, received), lambda r: len(r) >= 3)
    finally:
        await shipper.stop()
    assert received == ["ev-0", "ev-1", "ev-2"]
