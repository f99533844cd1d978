"""Campaign throughput: a campaign of N endpoints to the outbox on the dev server, versus the
same snapshot + render + record + outbox write run by a plain Python loop over the same batch
functions without Temporal (what Temporal's durability costs), in one run. Beside it, the
one-workflow-per-endpoint design at a smaller size, against the plain loop scaled to it."""

from __future__ import annotations

import asyncio
import shutil
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

from temporalio.client import Client
from temporalio.worker import Worker

from activities import SendActivities
from bench.campaign_workflow import PerEndpointWorkflow
from bench.dev_server import start_dev_server
from bench.timing import Result
from herald.apply import apply_definitions
from herald.campaigns.batch import send_batch
from herald.campaigns.snapshot import start_run
from herald.channels import ChannelRegistry
from herald.client import HeraldClient
from herald.models import DEFINITION_ADAPTER, Endpoint, MessageChannel
from herald.models import SendRequest as Send
from herald.models.campaign_run import RunProgress, SendBatchRequest, StartRunRequest
from herald.settings import Settings
from herald.store import Database, upgrade
from herald.store.endpoints import upsert_endpoints
from worker import build_worker
from worker.build import SANDBOX

DOCS = [
    {"kind": "Segment", "name": "all", "rules": [{"type": "channel", "values": ["EMAIL"]}]},
    {"kind": "Template", "name": "b", "channel": "EMAIL", "subject": "Hi {{ Id }}", "text": "x"},
]
BATCH = 1000


def _campaign(name: str) -> dict[str, object]:
    messages = [{"channel": "EMAIL", "template": "b"}]
    return {"kind": "Campaign", "name": name, "segment": "all", "messages": messages,
            "batch_size": BATCH}  # fmt: skip


async def _audience(path: Path, n: int) -> None:
    url = f"sqlite:///{path}"
    upgrade(url)
    database = Database(url)
    try:
        for start in range(0, n, 5000):
            endpoints = [
                Endpoint(id=f"e{i:07}", channel_type="EMAIL", address=f"e{i}@x.io")
                for i in range(start, min(n, start + 5000))
            ]
            async with database.session() as session:
                await upsert_endpoints(session, endpoints)
        async with database.session() as session:
            definitions = [DEFINITION_ADAPTER.validate_python(d) for d in DOCS]
            await apply_definitions(session, definitions)
    finally:
        await database.dispose()


async def _campaign_run(client: Client, path: Path) -> float:
    url = f"sqlite:///{path}"
    database = Database(url)
    queue = f"bench-campaign-{uuid.uuid4()}"
    herald = HeraldClient(Settings(database_url=url, task_queue=queue), database, client)
    try:
        async with build_worker(client, task_queue=queue, database=database):
            start = time.perf_counter()
            await herald.apply([DEFINITION_ADAPTER.validate_python(_campaign("bench"))])
            handle = client.get_workflow_handle("campaign:bench:once", result_type=RunProgress)
            await handle.result()
            return time.perf_counter() - start
    finally:
        await database.dispose()


async def _plain_loop(path: Path) -> float:
    """The same functions the activities call, one after another, without Temporal."""
    database = Database(f"sqlite:///{path}")
    channels = ChannelRegistry.outbox_for_all(database)
    try:
        async with database.session() as session:
            campaign = DEFINITION_ADAPTER.validate_python(_campaign("bench"))
            await apply_definitions(session, [campaign])
        start = time.perf_counter()
        now = datetime.now(UTC)
        request = StartRunRequest(campaign="bench", run="once", workflow_id="plain", now=now)
        await start_run(database, request, "", lambda _: None)
        while True:
            batch = SendBatchRequest(campaign="bench", run="once", key_prefix="plain",
                                     limit=BATCH, now=now, nominal=now)  # fmt: skip
            if (await send_batch(database, channels, batch)).processed == 0:
                return time.perf_counter() - start
    finally:
        await database.dispose()


async def _per_endpoint(client: Client, path: Path, m: int) -> float:
    database = Database(f"sqlite:///{path}")
    queue = f"bench-per-endpoint-{uuid.uuid4()}"
    sends = SendActivities(database, ChannelRegistry.outbox_for_all(database))
    gate = asyncio.Semaphore(32)
    try:
        async with Worker(client, task_queue=queue, workflows=[PerEndpointWorkflow],
                          activities=[sends.send_message], workflow_runner=SANDBOX):  # fmt: skip
            start = time.perf_counter()

            async def one(i: int) -> None:
                request = Send(idempotency_key=f"per-{i}", endpoint_id=f"e{i:07}",
                               channel=MessageChannel.EMAIL, template="b")  # fmt: skip
                async with gate:
                    await client.execute_workflow(
                        PerEndpointWorkflow.run, request, id=f"{queue}-{i}", task_queue=queue
                    )

            await asyncio.gather(*(one(i) for i in range(m)))
            return time.perf_counter() - start
    finally:
        await database.dispose()


async def _measure(n: int, m: int) -> tuple[float, float, float]:
    env = await start_dev_server()
    try:
        with tempfile.TemporaryDirectory() as home:
            original = Path(home) / "audience.db"
            await _audience(original, n)
            copies = [Path(home) / f"{side}.db" for side in ("herald", "plain", "per")]
            for copy in copies:
                shutil.copy(original, copy)
            herald = await _campaign_run(env.client, copies[0])
            plain = await _plain_loop(copies[1])
            per_endpoint = await _per_endpoint(env.client, copies[2], m)
            return herald, plain, per_endpoint
    finally:
        await env.shutdown()


def run(n: int, m: int) -> list[Result]:
    herald, plain, per_endpoint = asyncio.run(_measure(n, m))
    return [
        Result(f"campaign {n:,} endpoints (outbox)", "plain loop, no Temporal", n, herald, plain),
        Result(
            f"one workflow per endpoint ({m:,})",
            "plain loop, scaled",
            m,
            per_endpoint,
            plain * m / n,
        ),
    ]
