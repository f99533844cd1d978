"""`python -m worker` (and `herald worker`): migrate, connect, register, run until signalled."""

from __future__ import annotations

import asyncio
import logging
import signal
import time
from collections.abc import Awaitable, Callable
from typing import TypeVar

from herald.channels import ChannelRegistry
from herald.client import HeraldClient
from herald.event_sweep import EventSweeper
from herald.process_exit import leave
from herald.settings import Settings
from herald.settings_errors import BadSettings, load_settings
from herald.store import Database, DatabaseUnavailable, upgrade
from herald.streams import StreamShipper
from herald.temporal import (
    TemporalUnavailable,
    connect,
    ensure_search_attributes,
    metrics_runtime,
)
from herald.tracking.provider import with_tracking
from worker.build import build_worker

log = logging.getLogger("herald.worker")
CONNECT_PATIENCE_S = 60.0
T = TypeVar("T")


async def run(settings: Settings) -> None:
    url = settings.resolved_database_url
    await _patiently(lambda: asyncio.to_thread(upgrade, url))
    address = settings.worker_metrics_address
    runtime = metrics_runtime(address) if address else None
    client = await _patiently(lambda: connect(settings, runtime=runtime))
    await ensure_search_attributes(client)
    database = Database(url)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    channels = ChannelRegistry.from_settings(settings.channels, database)
    # Started before the worker so a misconfigured sink stops the start, naming the sink.
    shipper = StreamShipper(database, settings.streams)
    await shipper.start()
    log.info("event stream sinks: %s", [f"{s.name} ({s.kind})" for s in shipper.sinks])
    channels = with_tracking(channels, settings.two_way, database)
    log.info("channel providers: %s", channels.describe())
    worker = build_worker(
        client,
        task_queue=settings.task_queue,
        database=database,
        channels=channels,
        otp_secret=settings.otp_secret,
    )
    log.info(
        "worker polling task queue %r on %s",
        settings.task_queue,
        client.service_client.config.target_host,
    )
    # Routes the app events Temporal was not there to take (herald.event_sweep).
    sweeper = EventSweeper(HeraldClient(settings, database, client))
    async with worker:
        sweeping = asyncio.create_task(sweeper.run(stop), name="unrouted-events")
        await stop.wait()
        log.info("stopping: finishing running activities")
        await sweeping
    await shipper.stop()
    await channels.aclose()
    await database.dispose()


async def _patiently(attempt: Callable[[], Awaitable[T]]) -> T:
    """A worker started before PostgreSQL or Temporal (compose, systemd, a server restarting)
    waits for it rather than exiting; after CONNECT_PATIENCE_S it gives up with the error."""
    deadline = time.monotonic() + CONNECT_PATIENCE_S
    while True:
        try:
            return await attempt()
        except (DatabaseUnavailable, TemporalUnavailable) as exc:
            if time.monotonic() > deadline:
                raise
            log.warning("%s; retrying", exc)
            await asyncio.sleep(1)  # a retry interval, not synchronisation


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    try:
        settings = load_settings()
    except BadSettings as exc:
        for problem in exc.problems:
            log.error("%s", problem)
        leave(2)  # as the `herald` commands exit on a bad setting
    try:
        asyncio.run(run(settings))
    except (DatabaseUnavailable, TemporalUnavailable) as exc:
        # What to start or which variable to fix, in one line rather than a traceback.
        log.error("%s; giving up after %.0f s", exc, CONNECT_PATIENCE_S)
        leave(1)
    leave(0)


if __name__ == "__main__":
    main()
