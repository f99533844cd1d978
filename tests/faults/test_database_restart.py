"""PostgreSQL restarted under a worker process mid-journey: sends and admissions fail while
it is down, retry, and every participant finishes with each message sent once."""

from __future__ import annotations

from pathlib import Path

from temporalio.client import Client

from herald.client import HeraldClient
from herald.store import Database, upgrade
from tests.faults.conftest import settings_for
from tests.faults.journey import FaultJourney
from tests.faults.postgres import private_postgres
from tests.faults.processes import worker_process
from tests.helpers import eventually

PARTICIPANTS = 100
DEADLINE_S = 90.0
FAILED_ATTEMPT = b"Completing activity as failed"


async def test_a_restarted_database_loses_nothing_and_doubles_nothing(
    tmp_path: Path, task_queue: str, dev_client: Client
) -> None:
    async with private_postgres() as postgres:
        settings = settings_for(tmp_path, postgres.url, task_queue)
        upgrade(postgres.url)
        database = Database(postgres.url)
        try:
            herald = HeraldClient(settings, database, dev_client)
            run = FaultJourney(herald, "pg-restart", PARTICIPANTS)
            address = dev_client.service_client.config.target_host
            async with worker_process(settings, address, tmp_path / "logs") as worker:
                await run.start()
                stopped_at = await run.until_sent(PARTICIPANTS // 2, DEADLINE_S)
                await postgres.stop()
                # Down until the worker has felt it: an activity attempt failed on it.
                await eventually(
                    lambda: _read(worker.log),
                    lambda log: FAILED_ATTEMPT in log,
                    deadline_s=DEADLINE_S,
                    what="a failed attempt while PostgreSQL is down",
                )
                await postgres.start()
                await run.assert_everyone_finished(DEADLINE_S)
            print(f"PostgreSQL stopped after {stopped_at} of {run.messages} messages")
            await run.assert_each_message_once(outbox=True)
        finally:
            await database.dispose()


async def _read(path: Path) -> bytes:
    return path.read_bytes()
