"""The worker's sweep of app events recorded but never routed.

An event is recorded before it is brought to its journeys and campaigns, so one arriving
while Temporal is unreachable is kept, and put again with its id (a client's retry) it is
routed then. One nobody puts again waited for good: a 503 to a client that gives up, a
tracked click whose routing after the answer failed. The worker sweeps them: every
`interval`, the events recorded more than `grace` ago (a route still in flight is left to
finish) and less than `max_age` ago are claimed and routed, oldest first. An event a day old
is left alone: entry is decided when an event is routed, and a day-old "cart abandoned" must
not start a reminder series now; its client can still put it again.

A claim marks the events routed in the store, so a sweep on another worker does not take
them too; the events whose routing fails are handed back for the next sweep.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import dataclass
from datetime import timedelta

from temporalio.service import RPCError

from herald.client import HeraldClient
from herald.models import Event
from herald.store import events as event_store
from herald.store.clock import utcnow
from herald.temporal import TemporalUnavailable

log = logging.getLogger("herald.events")


@dataclass(frozen=True)
class SweepSettings:
    interval: float = 30.0  # seconds between sweeps
    grace: timedelta = timedelta(minutes=1)
    max_age: timedelta = timedelta(hours=24)
    batch: int = 200


class EventSweeper:
    def __init__(self, herald: HeraldClient, settings: SweepSettings | None = None) -> None:
        self._herald = herald
        self._settings = settings or SweepSettings()

    async def sweep_once(self) -> int:
        """Route the unrouted events of the window, a batch at a time; returns how many were
        routed. Stops at the first that fails (Temporal unreachable), handing it and the
        rest of its batch back."""
        routed = 0
        while True:
            now = utcnow()  # received_at is the wall clock too
            async with self._herald.database.session() as session:
                batch = await event_store.claim_unrouted(
                    session,
                    received_after=now - self._settings.max_age,
                    received_before=now - self._settings.grace,
                    limit=self._settings.batch,
                )
            done, stopped = await self._route(batch)
            routed += done
            if stopped or len(batch) < self._settings.batch:
                return routed

    async def _route(self, batch: list[Event]) -> tuple[int, bool]:
        """Route a claimed batch: (how many were routed, whether Temporal stopped it)."""
        routed = 0
        for i, event in enumerate(batch):
            event_id = event.id or ""  # read from the store, which gave every one an id
            try:
                await self._herald.route_recorded(event, event_id)
            except (TemporalUnavailable, RPCError) as exc:
                await self._release([e.id or "" for e in batch[i:]])
                log.warning("unrouted events: Temporal unreachable (%s); next sweep", exc)
                return routed, True
            except Exception:
                # This one event's fault (a journey's rule it breaks): the others go on.
                await self._release([event_id])
                log.exception("unrouted events: routing %s failed; retried next sweep", event_id)
                continue
            routed += 1
        return routed, False

    async def run(self, stop: asyncio.Event) -> None:
        """Sweep every `interval` until `stop` is set."""
        while not stop.is_set():
            try:
                if routed := await self.sweep_once():
                    log.info("unrouted events: routed %d recorded while Temporal was away", routed)
            except Exception:  # the loop must outlive a database hiccup
                log.exception("unrouted events: the sweep failed")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), self._settings.interval)

    async def _release(self, ids: list[str]) -> None:
        async with self._herald.database.session() as session:
            await event_store.release_unrouted(session, ids)
