"""Worker memory: the RSS of Herald's worker process with N participants waiting on timers,
versus a bare worker whose N workflows sleep on timers, on one dev server in the same run.

Both workers are separate processes with the same workflow cache size, measured once every
workflow has announced its wait (HeraldWaitingFor="timer" in visibility)."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable
from pathlib import Path

from temporalio.client import Client

from bench.dev_server import dev_server
from bench.timing import Result
from herald.client import HeraldClient
from herald.models import DEFINITION_ADAPTER
from herald.settings import Settings
from herald.store import Database, upgrade
from worker.build import MAX_CACHED_WORKFLOWS

gate = asyncio.Semaphore(32)
DEADLINE_S = 600.0


def _definitions(n: int) -> list[object]:
    docs: list[dict[str, object]] = [
        {"kind": "Template", "name": "m", "channel": "EMAIL", "subject": "Hi", "text": "x"},
        {
            "kind": "Journey",
            "name": "nap",
            "start": "nap",
            "steps": {
                "nap": {"type": "wait", "duration": "P1D", "next": "hello"},
                "hello": {"type": "send", "template": "m"},
            },
        },
    ]
    docs += [
        {"kind": "Endpoint", "Id": f"m{i:06}", "ChannelType": "EMAIL", "Address": f"m{i}@x.io"}
        for i in range(n)
    ]
    return [DEFINITION_ADAPTER.validate_python(d) for d in docs]


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmRSS for process {pid} (this benchmark reads Linux's /proc)")


async def _all_waiting(client: Client, queue: str, n: int) -> None:
    query = f'TaskQueue="{queue}" AND HeraldWaitingFor="timer"'
    deadline = time.monotonic() + DEADLINE_S
    while (await client.count_workflows(query)).count < n:
        if time.monotonic() > deadline:
            raise TimeoutError(f"fewer than {n} workflows waiting on {queue} after {DEADLINE_S}s")
        await asyncio.sleep(0.5)  # polling visibility, which is eventually consistent


def _spawn(argv: list[str], env: dict[str, str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


async def _rss_once_waiting(
    argv: list[str],
    env: dict[str, str],
    start: Callable[[int], Awaitable[object]],
    client: Client,
    queue: str,
    n: int,
) -> float:
    """Run a worker process, start n workflows, and read its RSS once all of them wait."""
    worker = _spawn(argv, env)
    try:

        async def one(i: int) -> None:
            async with gate:
                await start(i)

        await asyncio.gather(*(one(i) for i in range(n)))
        await _all_waiting(client, queue, n)
        return rss_mb(worker.pid)
    finally:
        worker.terminate()
        worker.wait()


async def _herald(client: Client, address: str, n: int, home: Path) -> float:
    url = f"sqlite:///{home / 'memory.db'}"
    upgrade(url)
    queue = f"bench-memory-{uuid.uuid4()}"
    env = dict(os.environ, HERALD_DATABASE_URL=url, HERALD_TEMPORAL_ADDRESS=address)
    env["HERALD_TASK_QUEUE"] = queue
    database = Database(url)
    herald = HeraldClient(Settings(database_url=url, task_queue=queue), database, client)
    await herald.apply(_definitions(n))  # type: ignore[arg-type]
    try:
        return await _rss_once_waiting(
            [sys.executable, "-m", "worker"],
            env,
            lambda i: herald.enter("nap", f"m{i:06}"),
            client,
            queue,
            n,
        )
    finally:
        await database.dispose()


async def _bare(client: Client, address: str, n: int) -> float:
    queue = f"bench-sleeper-{uuid.uuid4()}"
    argv = [sys.executable, "-m", "bench.bare_sleeper", address, queue, str(MAX_CACHED_WORKFLOWS)]

    def start(i: int) -> Awaitable[object]:
        return client.start_workflow("BenchSleeper", str(i), id=f"{queue}-{i}", task_queue=queue)

    return await _rss_once_waiting(argv, dict(os.environ), start, client, queue, n)


async def _measure(n: int) -> tuple[float, float]:
    async with dev_server() as env:
        address = env.client.service_client.config.target_host
        with tempfile.TemporaryDirectory() as home:
            herald = await _herald(env.client, address, n, Path(home))
        bare = await _bare(env.client, address, n)
        return herald, bare


def run(n: int) -> Result:
    herald, bare = asyncio.run(_measure(n))
    return Result(
        f"worker RSS, {n:,} waiting", "bare worker, sleeping wfs", n, herald, bare, unit="MB"
    )
