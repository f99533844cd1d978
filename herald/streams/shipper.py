"""The shipper: one loop per sink moving events from the outbox to it, in order, in batches.

A sink that fails keeps its events: the loop backs off (doubling from `retry_initial` to
`retry_max`, with jitter) and sends the same oldest events again, so a sink down for an
hour gets every event afterwards, in the order they were recorded. An event the sink
refuses for good (too large for it, invalid) is dropped: logged with the sink and why,
counted (`SinkState.dropped`) and never sent again, so that it does not hold up the rest.

Only the shipper holding a sink's lease ships to it, so several workers never interleave
one sink's events nor ship one twice: the lease is renewed every third of its time while
the sink has a batch (a batch may take long: up to 100 Publish calls to SNS), and a shipper
that lost it all the same settles nothing, leaving the events to the shipper that has it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import uuid
from datetime import timedelta
from types import TracebackType
from typing import Self

from herald.analytics.stream_record import stream_record
from herald.store import Database
from herald.store import stream_outbox as outbox
from herald.store.clock import utcnow
from herald.streams.base import Record, Shipped, StreamSink
from herald.streams.config import StreamSettings
from herald.streams.factory import build_sinks, check_sinks

log = logging.getLogger("herald.streams")


class StreamShipper:
    def __init__(
        self,
        database: Database,
        settings: StreamSettings,
        sinks: list[StreamSink] | None = None,
    ) -> None:
        self._database = database
        self._settings = settings
        self._sinks = sinks if sinks is not None else build_sinks(settings)
        self._owner = uuid.uuid4().hex
        self._stop = asyncio.Event()
        self._tasks: list[asyncio.Task[None]] = []
        self._lease = timedelta(seconds=max(settings.lease, 5 * settings.poll_interval))

    @property
    def sinks(self) -> list[StreamSink]:
        return list(self._sinks)

    async def start(self) -> None:
        """Check every sink (SinkConfigError names the broken ones), register them, ship."""
        await check_sinks(self._sinks)
        async with self._database.session() as session:
            gone = await outbox.register_sinks(session, {s.name: s.kind for s in self._sinks})
        if gone:
            log.warning("event stream sinks no longer configured, forgotten: %s", gone)
        self._tasks = [
            asyncio.create_task(self._run(sink), name=f"stream:{sink.name}") for sink in self._sinks
        ]

    async def stop(self) -> None:
        self._stop.set()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        async with self._database.session() as session:
            for sink in self._sinks:
                await outbox.release_lease(session, sink.name, self._owner)
        for sink in self._sinks:
            await sink.aclose()

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(
        self, _t: type[BaseException] | None, _e: BaseException | None, _tb: TracebackType | None
    ) -> None:
        await self.stop()

    async def _run(self, sink: StreamSink) -> None:
        while not self._stop.is_set():
            try:
                pause = await self._ship_once(sink)
            except Exception:  # the loop must outlive a database hiccup
                log.exception("event stream sink %r: shipping failed", sink.name)
                pause = self._settings.retry_initial
            if pause:
                await self._pause(pause)

    async def _ship_once(self, sink: StreamSink) -> float:
        """Ship one batch; returns how long to wait before the next (0: go on at once)."""
        async with self._database.session() as session:
            if not await outbox.take_lease(session, sink.name, self._owner, self._lease):
                return self._settings.poll_interval
        async with self._database.session() as session:
            batch = await outbox.oldest_waiting(session, sink.name, self._settings.batch_size)
        if not batch:
            return self._settings.poll_interval
        app_id = self._settings.application_id
        records = [stream_record(w.event, w.arrival, app_id) for w in batch]
        result = await self._put_holding_lease(sink, records)
        pause = None if result is None else await self._settle(sink, batch, result)
        if pause is None:
            log.warning(
                "event stream sink %r: another shipper took its lease while this one shipped;"
                " the batch is left to it",
                sink.name,
            )
            return self._settings.poll_interval
        return pause

    async def _settle(
        self, sink: StreamSink, batch: list[outbox.Waiting], result: Shipped
    ) -> float | None:
        """Take what the sink took or refused for good off the outbox and note its error;
        returns how long to wait before the next batch. None, settling nothing, if another
        shipper took the sink's lease."""
        taken = [batch[i].seq for i in result.taken]
        dead = [batch[i].seq for i in result.dead]
        delay, failures = 0.0, 0
        async with self._database.session() as session:
            if (taken or dead) and not await outbox.shipped(
                session, sink.name, self._owner, taken, dead
            ):
                return None
            if result.error is not None:
                delay = self._backoff(await outbox.failures(session, sink.name) + 1)
                retry_at = utcnow() + timedelta(seconds=delay)
                found = await outbox.failed(session, sink.name, self._owner, result.error, retry_at)
                if found is None:
                    return None
                failures = found
        for i, reason in result.dead.items():
            log.error(
                "event stream sink %r refused event %s for good, dropped it: %s",
                sink.name,
                batch[i].event.id,
                reason,
            )
        if result.error is not None:
            log.warning(
                "event stream sink %r: %s (failure %d, next try in %.1fs)",
                sink.name,
                result.error,
                failures,
                delay,
            )
        return delay

    async def _put_holding_lease(self, sink: StreamSink, records: list[Record]) -> Shipped | None:
        """What the sink did with the records, the sink's lease renewed meanwhile every third
        of its time; None if another shipper took it all the same (the call is abandoned:
        the events are that shipper's now)."""
        call = asyncio.create_task(self._put(sink, records))
        try:
            while True:
                done, _ = await asyncio.wait({call}, timeout=self._lease.total_seconds() / 3)
                if done:
                    return call.result()
                try:
                    async with self._database.session() as session:
                        held = await outbox.renew_lease(
                            session, sink.name, self._owner, self._lease
                        )
                except Exception:  # a database hiccup: settling checks the lease again
                    log.exception("event stream sink %r: cannot renew its lease", sink.name)
                    continue
                if not held:
                    return None
        finally:
            call.cancel()

    @staticmethod
    async def _put(sink: StreamSink, records: list[Record]) -> Shipped:
        try:
            return await sink.put(records)
        except Exception as exc:  # a sink's bug must not stop the others
            log.exception("event stream sink %r failed", sink.name)
            return Shipped(error=f"{type(exc).__name__}: {exc}")

    def _backoff(self, failures: int) -> float:
        ceiling: float = min(
            self._settings.retry_max, self._settings.retry_initial * 2.0 ** (failures - 1)
        )
        return ceiling / 2 + random.uniform(0, ceiling / 2)

    async def _pause(self, seconds: float) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._stop.wait(), timeout=seconds)
