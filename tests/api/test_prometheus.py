"""`GET /metrics`: messages by channel and outcome, stream lag, request counts; and the
worker's Temporal SDK metrics on their own port."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from temporalio.api.workflowservice.v1 import GetSystemInfoRequest
from temporalio.testing import WorkflowEnvironment

from herald.api.app import create_app
from herald.auth.keys import Scope
from herald.models import Event, MessageChannel, MessageStatus
from herald.settings import Settings
from herald.store import Database, upgrade
from herald.store.events import put_event
from herald.store.messages import claim_message, finish_message
from herald.store.stream_outbox import register_sinks
from herald.temporal import connect, metrics_runtime
from tests.conftest import write_key
from tests.helpers import eventually
from tests.loopback_http import free_port, serve_app


@pytest.fixture
def url(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'h.db'}"
    upgrade(url)
    return url


@pytest.fixture
def api(url: str) -> Iterator[httpx.Client]:
    settings = Settings(database_url=url)
    # A read key, as a Prometheus scrape job would carry (`authorization: credentials`).
    key = asyncio.run(write_key(settings, "prometheus", Scope.READ))
    with serve_app(create_app(settings)) as client:
        client.headers["Authorization"] = f"Bearer {key}"
        yield client


async def test_herald_counters_and_stream_lag(url: str, api: httpx.Client) -> None:
    database = Database(url)
    async with database.session() as session:
        await register_sinks(session, {"archive": "firehose"})
        for key, status in (("k1", MessageStatus.SENT), ("k2", MessageStatus.FAILED)):
            await claim_message(
                session, idempotency_key=key, channel=MessageChannel.SMS, endpoint_id="ann"
            )
            await finish_message(session, key, status)
        await put_event(session, Event(endpoint_id="ann", event_type="purchase"))
    await database.dispose()
    await asyncio.to_thread(api.get, "/v1/metrics/journeys/nope")
    text = (await asyncio.to_thread(api.get, "/metrics")).text
    assert 'herald_messages_total{channel="SMS",outcome="SENT"} 1.0' in text
    assert 'herald_messages_total{channel="SMS",outcome="FAILED"} 1.0' in text
    assert 'herald_stream_waiting_events{sink="archive"} 1.0' in text
    assert 'herald_stream_lag_seconds{sink="archive"}' in text
    assert 'herald_stream_dropped_events_total{sink="archive"} 0.0' in text
    assert (
        'herald_http_requests_total{route="/v1/metrics/journeys/{journey}",status="404"} 1.0'
        in text
    )


async def test_worker_serves_temporal_sdk_metrics(time_skipping_env: WorkflowEnvironment) -> None:
    port = free_port()
    target = time_skipping_env.client.service_client.config.target_host
    client = await connect(Settings(), address=target, runtime=metrics_runtime(f"127.0.0.1:{port}"))
    await client.workflow_service.get_system_info(GetSystemInfoRequest())

    async def scrape() -> str:
        async with httpx.AsyncClient(trust_env=False) as http:
            return (await http.get(f"http://127.0.0.1:{port}/metrics")).text

    text = await eventually(scrape, lambda t: "temporal_request" in t, what="SDK metrics")
    assert "temporal_request" in text


# `herald_messages_total` is a counter: no series of it may go down (rate() and increase()
# read a fall as a reset, and show false spikes). Messages not finished yet are the gauge
# `herald_messages_pending`.
def _series(text: str, metric: str) -> dict[str, float]:
    return {
        m.group(1): float(m.group(2))
        for m in re.finditer(rf"^({metric}\{{[^}}]*\}}) (\S+)$", text, re.MULTILINE)
    }


async def test_messages_total_never_goes_down(url: str, api: httpx.Client) -> None:
    database = Database(url)
    async with database.session() as session:
        for key in ("k0", "k1"):
            await claim_message(
                session, idempotency_key=key, channel=MessageChannel.EMAIL, endpoint_id="ann"
            )
        await finish_message(session, "k0", MessageStatus.SENT)
    before = (await asyncio.to_thread(api.get, "/metrics")).text
    async with database.session() as session:
        await finish_message(session, "k1", MessageStatus.SENT)
    await database.dispose()
    after = (await asyncio.to_thread(api.get, "/metrics")).text

    counted, now = _series(before, "herald_messages_total"), _series(after, "herald_messages_total")
    assert counted, "no herald_messages_total series scraped"
    went_down = {s: (v, now.get(s, 0.0)) for s, v in counted.items() if now.get(s, 0.0) < v}
    assert went_down == {}
    assert now == {'herald_messages_total{channel="EMAIL",outcome="SENT"}': 2.0}
    pending = 'herald_messages_pending{channel="EMAIL"}'
    assert _series(before, "herald_messages_pending") == {pending: 1.0}
    assert _series(after, "herald_messages_pending") == {pending: 0.0}
