"""The file-backed Temporal dev server of `herald dev` stopped and started again mid-journey,
while participants wait on timers and others are sending; the worker process keeps running."""

from __future__ import annotations

from pathlib import Path

from herald.client import HeraldClient
from herald.store import Database, upgrade
from tests.faults.conftest import settings_for
from tests.faults.journey import FaultJourney
from tests.faults.processes import dev_server, worker_process
from tests.loopback_http import free_port

PARTICIPANTS = 100
DEADLINE_S = 90.0


async def test_a_restarted_server_loses_no_participant_and_doubles_no_message(
    tmp_path: Path, task_queue: str
) -> None:
    settings = settings_for(tmp_path, f"sqlite:///{tmp_path / 'herald.db'}", task_queue)
    settings = settings.model_copy(
        update={"dev_temporal_port": free_port(), "dev_ui_port": free_port()}
    )
    upgrade(settings.resolved_database_url)
    database = Database(settings.resolved_database_url)
    logs = tmp_path / "logs"
    try:
        async with dev_server(settings, logs) as server:
            temporal = await server.start()
            herald = HeraldClient(settings, database, temporal)
            run = FaultJourney(herald, "restart", PARTICIPANTS, wait="PT3S")
            async with worker_process(settings, server.address, logs):
                await run.start()
                # Past the first sends of most: the rest are sending, the others on timers.
                stopped_at = await run.until_sent(PARTICIPANTS + 10, DEADLINE_S)
                await server.stop()
                await server.start()
                await run.assert_everyone_finished(DEADLINE_S)
        print(f"server stopped after {stopped_at} of {run.messages} messages")
        await run.assert_each_message_once(outbox=True)
    finally:
        await database.dispose()
