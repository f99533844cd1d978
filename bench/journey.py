"""Journey throughput on the dev server: participants/s through send -> wait -> send, versus a
bare Temporal workflow that runs one activity, on the same server in the same run."""

from __future__ import annotations

import asyncio
import sys
import tempfile
import time
import uuid
from collections.abc import Awaitable
from dataclasses import dataclass
from pathlib import Path

from temporalio.client import Client
from temporalio.worker import Worker

from bench.bare_workflow import BareWorkflow, ShapedWorkflow, noop
from bench.cpu import cpu_seconds
from bench.dev_server import start_dev_server
from bench.timing import Result
from herald.client import HeraldClient
from herald.models import DEFINITION_ADAPTER
from herald.process_exit import leave
from herald.settings import Settings
from herald.store import Database, upgrade
from worker import build_worker

SHAPE = "bare local act., timer, local act."

# Both sides start workflows the same way: this many starts in flight at once.
gate = asyncio.Semaphore(32)


def _definitions(n: int) -> list[object]:
    docs = [
        {
            "kind": "Template",
            "name": "b",
            "channel": "EMAIL",
            "subject": "Hi {{ Id }}",
            "text": "x",
        },
        {
            "kind": "Journey",
            "name": "bench",
            "start": "one",
            "steps": {
                "one": {"type": "send", "template": "b", "next": "nap"},
                "nap": {"type": "wait", "duration": "PT0.001S", "next": "two"},
                "two": {"type": "send", "template": "b"},
            },
        },
    ]
    docs += [
        {"kind": "Endpoint", "Id": f"e{i:06}", "ChannelType": "EMAIL", "Address": f"e{i}@x.io"}
        for i in range(n)
    ]
    return [DEFINITION_ADAPTER.validate_python(d) for d in docs]


async def _bare(client: Client, n: int, shape: type = BareWorkflow) -> float:
    queue = f"bench-bare-{uuid.uuid4()}"
    async with Worker(client, task_queue=queue, workflows=[shape], activities=[noop]):
        start = time.perf_counter()

        async def one(i: int) -> None:
            async with gate:
                handle = await client.start_workflow(
                    shape.__temporal_workflow_definition.name,  # type: ignore[attr-defined]
                    str(i),
                    id=f"bare-{queue}-{i}",
                    task_queue=queue,
                )
            await handle.result()

        await asyncio.gather(*(one(i) for i in range(n)))
        return time.perf_counter() - start


async def _journeys(client: Client, n: int, home: Path) -> float:
    url = f"sqlite:///{home / 'bench.db'}"
    upgrade(url)
    database = Database(url)
    queue = f"bench-journey-{uuid.uuid4()}"
    herald = HeraldClient(Settings(database_url=url, task_queue=queue), database, client)
    await herald.apply(_definitions(n))  # type: ignore[arg-type]
    try:
        async with build_worker(client, task_queue=queue, database=database):
            start = time.perf_counter()

            async def one(i: int) -> None:
                async with gate:
                    entered = await herald.enter("bench", f"e{i:06}")
                await client.get_workflow_handle(entered.workflow_id).result()

            await asyncio.gather(*(one(i) for i in range(n)))
            return time.perf_counter() - start
    finally:
        await database.dispose()


@dataclass
class _Phase:
    wall: float
    cpu: float | None  # this process and the dev server, together


async def _timed(work: Awaitable[float]) -> _Phase:
    before = cpu_seconds()
    wall = await work
    after = cpu_seconds()
    return _Phase(wall, after - before if after is not None and before is not None else None)


async def _measure(n: int) -> tuple[_Phase, _Phase, _Phase]:
    env = await start_dev_server()
    try:
        with tempfile.TemporaryDirectory() as home:
            bare = await _timed(_bare(env.client, n))
            shaped = await _timed(_bare(env.client, n, ShapedWorkflow))
            journeys = await _timed(_journeys(env.client, n, Path(home)))
            return journeys, bare, shaped
    finally:
        await env.shutdown()


def run(n: int) -> list[Result]:
    """Against the issue's baseline (a bare workflow with one activity), and against a bare
    workflow of the journey's own shape, which isolates what Herald adds. The CPU rows (worker,
    client and dev server together) say why: on a machine the run keeps busy, participants
    per second follow CPU per participant."""
    journeys, bare, shaped = asyncio.run(_measure(n))
    name = "journey send-wait-send (dev server)"
    rows = [
        Result(name, "bare workflow, 1 activity", n, journeys.wall, bare.wall),
        Result(name, SHAPE, n, journeys.wall, shaped.wall),
    ]
    cpu_name = "journey CPU per participant"
    if journeys.cpu and bare.cpu and shaped.cpu:
        rows += [
            Result(cpu_name, "bare workflow, 1 activity", n, journeys.cpu, bare.cpu, "cpu"),
            Result(cpu_name, SHAPE, n, journeys.cpu, shaped.cpu, "cpu"),
        ]
    return rows


if __name__ == "__main__":
    for result in run(int(sys.argv[1]) if len(sys.argv) > 1 else 100):
        print(result.row())
    leave(0)
