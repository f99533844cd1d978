"""The shipper: one loop per sink moving events from the outbox to it, in order, in batches.

A sink that fails keeps its events: the loop backs off (doubling from `retry_initial` to
`retry_max`, with jitter) and sends the same oldest events again, so a sink down for an
hour gets every event afterwards, in the order they were recorded. Only the shipper holding
a sink's lease ships to it, so several workers never interleave one sink's events.
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
from herald.streams.base import Shipped, StreamSink
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
        self._lease = timedelta(seconds=max(30.0, 5 * settings.poll_interval))

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
        try:
            result = await sink.put(records)
        except Exception as exc:  # a sink's bug must not stop the others
            log.exception("event stream sink %r failed", sink.name)
            result = Shipped(0, f"{type(exc).__name__}: {exc}")
        async with self._database.session() as session:
            if result.count:
                await outbox.shipped(session, sink.name, [w.seq for w in batch[: result.count]])
            if result.error is None:
                return 0.0
            delay = self._backoff(await outbox.failures(session, sink.name) + 1)
            retry_at = utcnow() + timedelta(seconds=delay)
            failures = await outbox.failed(session, sink.name, result.error, retry_at)
        log.warning(
            "event stream sink %r: %s (failure %d, next try in %.1fs)",
            sink.name,
            result.error,
            failures,
            delay,
        )
        return delay

    def _backoff(self, failures: int) -> float:
        ceiling: float = min(
            self._settings.retry_max, self._settings.retry_initial * 2.0 ** (failures - 1)
        )
        return ceiling / 2 + random.uniform(0, ceiling / 2)

    async def _pause(self, seconds: float) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._stop.wait(), timeout=seconds)
