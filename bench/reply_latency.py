"""Reply latency on the dev server (issue 9, benchmark 5): a signed Twilio webhook carrying
"YES" -> the reply routed -> a signal to the journey waiting for it -> the next step's send
claimed in the message log. The end point is the claim row's `created_at`: the send step
writes it first thing, before rendering or calling the provider, so it marks the moment the
next step's work began. Baseline, same server, same run: a signal to a bare workflow ->
its activity started. p50 and p99 over sequential replies."""

from __future__ import annotations

import asyncio
import statistics
import sys
import tempfile
import uuid
from datetime import UTC, datetime
from pathlib import Path

import httpx
from sqlalchemy import select
from temporalio.client import Client
from temporalio.worker import Worker

from bench.api_server import api_server
from bench.bare_signal import SignalledWorkflow, started
from bench.dev_server import dev_server
from bench.timing import Result
from herald.client import HeraldClient
from herald.inbound import twilio
from herald.inbound.settings import TwoWaySettings
from herald.models import DEFINITION_ADAPTER
from herald.process_exit import leave
from herald.settings import Settings
from herald.store import Database, upgrade
from herald.store.tables import MessageRow
from worker import build_worker

TOKEN = "bench-twilio-token"
OUR_NUMBER = "+15555550100"
WEBHOOK = "/v1/webhooks/twilio/sms"
STEPS = {
    "ask": {"type": "send", "channel": "SMS", "template": "ask", "next": "answer"},
    "answer": {
        "type": "wait_for_reply",
        "after_step": "ask",
        "branches": [{"keywords": ["YES"], "next": "thanks"}],
        "on_other_reply": "done",
        "timeout": "P1D",
        "on_timeout": "done",
    },
    "thanks": {"type": "send", "channel": "SMS", "template": "thanks", "next": "done"},
    "done": {"type": "exit"},
}


def _number(i: int) -> str:
    return f"+1555560{i:04d}"


def _definitions(n: int) -> list[object]:
    docs: list[dict[str, object]] = [
        {"kind": "Template", "name": "ask", "channel": "SMS", "body": "Still keen? Reply YES"},
        {"kind": "Template", "name": "thanks", "channel": "SMS", "body": "Thanks!"},
        {"kind": "Journey", "name": "reply", "start": "ask", "steps": STEPS},
    ]
    docs += [
        {"kind": "Endpoint", "Id": f"r{i:04d}", "ChannelType": "SMS", "Address": _number(i)}
        for i in range(n + 1)
    ]
    return [DEFINITION_ADAPTER.validate_python(d) for d in docs]


async def _claimed_at(database: Database, endpoint_id: str, step: str) -> datetime | None:
    query = select(MessageRow.created_at).where(
        MessageRow.endpoint_id == endpoint_id, MessageRow.step_id == step
    )
    async with database.session() as session:
        found = (await session.execute(query)).scalar_one_or_none()
    return found.replace(tzinfo=found.tzinfo or UTC) if found is not None else None


async def _until_claimed(database: Database, endpoint_id: str, step: str) -> datetime:
    for _ in range(6000):  # 30 s at most
        if (at := await _claimed_at(database, endpoint_id, step)) is not None:
            return at
        await asyncio.sleep(0.005)
    raise RuntimeError(f"{endpoint_id}'s {step!r} send was not claimed within 30 s")


async def _reply(http: httpx.AsyncClient, i: int) -> None:
    form = {"MessageSid": f"SM{i:06d}", "From": _number(i), "To": OUR_NUMBER, "Body": "yes"}
    signed = twilio.signature(TOKEN, f"{http.base_url}{WEBHOOK}".replace("//v1", "/v1"), form)
    answer = await http.post(WEBHOOK, data=form, headers={"X-Twilio-Signature": signed})
    answer.raise_for_status()


async def _herald(client: Client, n: int, home: Path) -> list[float]:
    settings = Settings(
        database_url=f"sqlite:///{home / 'bench.db'}",
        task_queue=f"bench-reply-{uuid.uuid4()}",
        temporal_address=client.service_client.config.target_host,  # the API signals here
        two_way=TwoWaySettings(twilio_auth_token=TOKEN),
    )
    upgrade(settings.resolved_database_url)
    database = Database(settings.resolved_database_url)
    herald = HeraldClient(settings, database, client)
    await herald.apply(_definitions(n))  # type: ignore[arg-type]
    latencies = []
    try:
        async with (
            build_worker(client, task_queue=settings.task_queue, database=database),
            api_server(settings) as url,
            httpx.AsyncClient(base_url=url) as http,
        ):
            for i in range(n + 1):  # the first warms up connections and caches
                endpoint_id = f"r{i:04d}"
                await herald.enter("reply", endpoint_id)
                await _until_claimed(database, endpoint_id, "ask")
                posted = datetime.now(UTC)
                await _reply(http, i)
                claimed = await _until_claimed(database, endpoint_id, "thanks")
                if i:
                    latencies.append((claimed - posted).total_seconds())
    finally:
        await database.dispose()
    return latencies


async def _bare(client: Client, n: int) -> list[float]:
    queue = f"bench-signal-{uuid.uuid4()}"
    latencies = []
    worker = Worker(client, task_queue=queue, workflows=[SignalledWorkflow], activities=[started])
    async with worker:
        for i in range(n + 1):
            handle = await client.start_workflow(
                SignalledWorkflow.run, id=f"{queue}-{i}", task_queue=queue
            )
            signalled = datetime.now(UTC)
            await handle.signal(SignalledWorkflow.reply)
            began: datetime = await handle.result()
            if i:
                latencies.append((began - signalled).total_seconds())
    return latencies


async def _measure(n: int) -> tuple[list[float], list[float]]:
    async with dev_server() as env:
        with tempfile.TemporaryDirectory() as home:
            bare = await _bare(env.client, n)
            replies = await _herald(env.client, n, Path(home))
    return replies, bare


def _p(values: list[float], q: int) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1]


def run(n: int) -> list[Result]:
    replies, bare = asyncio.run(_measure(n))
    return [
        Result(
            "reply -> next step's send (p50/p99)",
            "signal -> activity start",
            n,
            _p(replies, 50),
            _p(bare, 50),
            unit="ms",
            p99=_p(replies, 99),
            baseline_p99=_p(bare, 99),
        )
    ]


if __name__ == "__main__":
    for result in run(int(sys.argv[1]) if len(sys.argv) > 1 else 20):
        print(result.row())
    leave(0)
