"""Throttling per provider, shared by every worker of the task queue.

The limit lives in the database (`herald.store.throttles`): one row per provider holding its
next free send time. A send reserves the next slot in one conditional UPDATE and waits for it
in the process; a slot further away than `max_throttle_wait` is not reserved, and the message
is answered RETRYABLE with that delay, which Temporal honours as the next retry's delay. So
ten workers at `rate_per_second: 10` send ten messages a second between them, and a backlog
waits in Temporal's retry timers, not in sleeping activities.

Workers' clocks are the time base: keep them in sync (NTP); a skew of a few milliseconds
only moves a slot by as much.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Sequence

from herald.channels.base import Provider
from herald.channels.results import retryable
from herald.models import DeliveryResult, OutgoingMessage
from herald.store import Database
from herald.store.throttles import Reservation, reserve_slot

MICROS = 1_000_000


class Throttle:
    def __init__(
        self,
        database: Database,
        name: str,
        *,
        rate_per_second: float,
        burst: int = 1,
        max_wait: float = 5.0,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.name = name
        self._database = database
        self._interval_us = max(1, round(MICROS / rate_per_second))
        self._burst = burst
        self._max_wait_us = round(max_wait * MICROS)
        self._clock = clock

    async def reserve(self) -> Reservation:
        async with self._database.session() as session:
            return await reserve_slot(
                session,
                self.name,
                now_us=round(self._clock() * MICROS),
                interval_us=self._interval_us,
                burst=self._burst,
                max_wait_us=self._max_wait_us,
            )


class ThrottledProvider:
    """A provider whose every message first takes a slot of its throttle."""

    def __init__(
        self,
        inner: Provider,
        throttle: Throttle,
        sleep: Callable[[float], Awaitable[object]] = asyncio.sleep,
    ) -> None:
        self.name = inner.name
        self.inner = inner
        self._throttle = throttle
        self._sleep = sleep

    async def send(self, messages: Sequence[OutgoingMessage]) -> list[DeliveryResult]:
        results: list[DeliveryResult] = []
        for message in messages:
            slot = await self._throttle.reserve()
            if not slot.granted:
                delay = slot.retry_after_us / MICROS
                reason = f"throttled: {self._throttle.name} is booked for the next {delay:.1f}s"
                results.append(retryable(message, self.name, reason, delay))
                continue
            if slot.wait_us:
                await self._sleep(slot.wait_us / MICROS)
            results.extend(await self.inner.send([message]))
        return results

    async def aclose(self) -> None:
        closer = getattr(self.inner, "aclose", None)
        if closer is not None:
            await closer()
