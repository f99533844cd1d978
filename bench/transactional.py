"""Transactional latency on the dev server: from `send_messages` being called to the provider
(the outbox) taking the message, p50 and p99 over sequential requests; against a bare
workflow round trip (eager start, one no-op activity, result) on the same server."""

from __future__ import annotations

import asyncio
import shutil
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path

from temporalio.client import Client
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from bench.bare_workflow import BareWorkflow, noop
from bench.timing import Result
from herald.client import HeraldClient
from herald.models import DEFINITION_ADAPTER, SEARCH_ATTRIBUTES
from herald.models.transactional import MessageRequest
from herald.process_exit import leave
from herald.settings import Settings
from herald.store import Database, upgrade
from worker import build_worker

Sample = Callable[[int], Awaitable[float]]


async def _samples(n: int, one: Sample) -> list[float]:
    await one(-1)  # warm up: connections, caches, the first workflow task
    return [await one(i) for i in range(n)]


async def _bare(client: Client, n: int) -> list[float]:
    queue = f"bench-bare-{uuid.uuid4()}"
    async with Worker(client, task_queue=queue, workflows=[BareWorkflow], activities=[noop]):

        async def one(i: int) -> float:
            start = time.perf_counter()
            await client.execute_workflow(
                "BenchBareWorkflow", str(i), id=f"{queue}-{i}", task_queue=queue,
                request_eager_start=True,
            )  # fmt: skip
            return time.perf_counter() - start

        return await _samples(n, one)


async def _herald(client: Client, n: int, home: Path) -> tuple[list[float], list[float]]:
    url = f"sqlite:///{home / 'bench.db'}"
    upgrade(url)
    database = Database(url)
    queue = f"bench-tx-{uuid.uuid4()}"
    herald = HeraldClient(Settings(database_url=url, task_queue=queue), database, client)
    endpoint = {"kind": "Endpoint", "Id": "e1", "ChannelType": "SMS", "Address": "+15555550100"}
    await herald.apply([DEFINITION_ADAPTER.validate_python(endpoint)])
    to_provider: list[float] = []
    try:
        async with build_worker(client, task_queue=queue, database=database):

            async def one(i: int) -> float:
                request = MessageRequest.model_validate(
                    {"endpoints": {"e1": {}}, "content": {"SMS": {"body": f"code {i}"}}}
                )
                called = datetime.now(UTC)
                start = time.perf_counter()
                response = await herald.send_messages(request, wait=30)
                total = time.perf_counter() - start
                [message] = await herald.outbox(endpoint_id="e1", limit=1, after_id=i + 1)
                assert response.results[0].message_id == message.idempotency_key
                if i >= 0:
                    to_provider.append((message.created_at - called).total_seconds())
                return total

            totals = await _samples(n, one)
            return to_provider, totals
    finally:
        await database.dispose()


async def _measure(n: int) -> tuple[list[float], list[float], list[float]]:
    binary = shutil.which("temporal") or str(Path(sys.executable).parent / "temporal")
    env = await WorkflowEnvironment.start_local(
        dev_server_existing_path=binary,
        data_converter=pydantic_data_converter,
        search_attributes=SEARCH_ATTRIBUTES,
        dev_server_log_level="error",
    )
    try:
        with tempfile.TemporaryDirectory() as home:
            bare = await _bare(env.client, n)
            to_provider, totals = await _herald(env.client, n, Path(home))
            return to_provider, totals, bare
    finally:
        await env.shutdown()


def _p(values: list[float], q: int) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1]


def run(n: int) -> list[Result]:
    """Latency rows: p50/p99 of each side, the ratio at p50."""
    to_provider, totals, bare = asyncio.run(_measure(n))
    for name, values in (
        ("request -> provider call", to_provider),
        ("request -> results", totals),
        ("bare workflow round trip", bare),
    ):
        print(f"transactional {name:<26} p50 {_p(values, 50) * 1000:7.1f} ms   "
              f"p99 {_p(values, 99) * 1000:7.1f} ms   (n={n})")  # fmt: skip
    baseline = "bare workflow round trip"
    return [_latency(f"transactional to {what}", values, bare, baseline, n)
            for what, values in (("provider", to_provider), ("results", totals))]  # fmt: skip


def _latency(name: str, values: list[float], bare: list[float], baseline: str, n: int) -> Result:
    return Result(
        name, baseline, n, _p(values, 50), _p(bare, 50), unit="ms",
        p99=_p(values, 99), baseline_p99=_p(bare, 99),
    )  # fmt: skip


if __name__ == "__main__":
    for result in run(int(sys.argv[1]) if len(sys.argv) > 1 else 50):
        print(result.row())
    leave(0)
