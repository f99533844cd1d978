"""`herald dev --demo` as a user runs it: a real process tree, Ctrl-C, and a restart."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from temporalio.client import WorkflowExecutionStatus
from temporalio.testing import WorkflowEnvironment

from herald.client import HeraldClient
from herald.models import OutboxMessage
from herald.settings import Settings
from tests.helpers import eventually
from tests.loopback_http import free_port, port_open

JOURNEY = """
kind: Endpoint
Id: dev-ann
ChannelType: EMAIL
Address: ann@example.com
---
kind: Template
name: dev-hello
channel: EMAIL
subject: "Hello from {{ Journey.Name }} step {{ Journey.StepId }}"
text: hi
---
kind: Journey
name: dev-journey
start: hello
steps:
  hello: {type: send, template: dev-hello, next: nap}
  nap: {type: wait, duration: PT6S, next: again}
  again: {type: send, template: dev-hello}
"""


@pytest.fixture
def dev_settings(tmp_path: Path) -> Settings:
    return Settings(
        home=tmp_path / "home",
        api_port=free_port(),
        dev_temporal_port=free_port(),
        dev_ui_port=free_port(),
    )


@pytest.fixture
async def herald(dev_settings: Settings) -> AsyncIterator[HeraldClient]:
    client = await HeraldClient.connect(dev_settings)
    yield client
    await client.close()


async def start_dev(
    settings: Settings, journeys: Path, temporal_address: str | None = None
) -> asyncio.subprocess.Process:
    env = {k: v for k, v in os.environ.items() if not k.startswith("HERALD_")}
    if temporal_address:
        env["HERALD_TEMPORAL_ADDRESS"] = temporal_address
    env.update(
        HERALD_HOME=str(settings.home),
        HERALD_API_PORT=str(settings.api_port),
        HERALD_DEV_TEMPORAL_PORT=str(settings.dev_temporal_port),
        HERALD_DEV_UI_PORT=str(settings.dev_ui_port),
    )
    herald = Path(sys.executable).parent / "herald"
    return await asyncio.create_subprocess_exec(
        str(herald), "dev", "--demo", "--journeys", str(journeys),
        env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
    )  # fmt: skip


async def interrupt(process: asyncio.subprocess.Process) -> str:
    process.send_signal(signal.SIGINT)
    output, _ = await asyncio.wait_for(process.communicate(), 60)
    assert process.returncode == 0, output.decode()
    return output.decode()


async def _api_takes_only(key: str, port: int) -> None:
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as http:

        async def outbox_status(headers: dict[str, str]) -> int:
            try:
                return (await http.get("/v1/outbox", headers=headers)).status_code
            except httpx.TransportError:
                return 0  # the API is still starting

        keyed = {"Authorization": f"Bearer {key}"}
        assert await eventually(lambda: outbox_status(keyed), lambda s: s != 0) == 200
        assert await outbox_status({}) == 401


def steps(messages: list[OutboxMessage]) -> list[str | None]:
    return [m.step_id for m in messages]


async def test_dev_demo_runs_stops_cleanly_and_resumes_waiting_journeys(
    tmp_path: Path, dev_settings: Settings, herald: HeraldClient
) -> None:
    journeys = tmp_path / "journeys"
    journeys.mkdir()
    (journeys / "dev.yaml").write_text(JOURNEY)

    first = await start_dev(dev_settings, journeys)
    try:
        sent = await eventually(herald.outbox, lambda m: len(m) == 1, deadline_s=60, what="a send")
    except BaseException:
        first.kill()
        raise
    assert sent[0].content.subject == "Hello from dev-journey step hello"
    assert port_open(dev_settings.dev_ui_port), "the Temporal UI is not served"
    key = (dev_settings.home / "api-key").read_text().strip()
    await _api_takes_only(key, dev_settings.api_port)
    output = await interrupt(first)
    assert key in output, "herald dev did not print its API key"
    assert "dev-ann entered dev-journey" in output
    assert "stopped: api, worker, temporal" in output
    for port in (dev_settings.dev_temporal_port, dev_settings.dev_ui_port, dev_settings.api_port):
        assert not port_open(port), f"port {port} still served after Ctrl-C"

    second = await start_dev(dev_settings, journeys)
    try:
        done = await eventually(herald.outbox, lambda m: len(m) >= 2, deadline_s=60, what="resume")
    finally:
        output = await interrupt(second)
    assert "dev-ann did not enter (already entered) dev-journey" in output
    assert key in output, "a restart made a new key instead of keeping the first"
    assert steps(done) == ["hello", "again"]


async def test_dev_uses_the_temporal_server_it_is_given(
    tmp_path: Path, dev_settings: Settings, herald: HeraldClient, dev_env: WorkflowEnvironment
) -> None:
    journeys = tmp_path / "journeys"
    journeys.mkdir()
    (journeys / "dev.yaml").write_text(JOURNEY.replace("PT6S", "PT1S"))
    address = dev_env.client.service_client.config.target_host

    process = await start_dev(dev_settings, journeys, temporal_address=address)
    try:
        done = await eventually(herald.outbox, lambda m: len(m) == 2, deadline_s=60, what="sends")
    finally:
        output = await interrupt(process)
    assert f"using the Temporal server at {address}" in output
    assert "stopped: api, worker" in output
    assert not port_open(dev_settings.dev_ui_port), "started its own server anyway"
    assert steps(done) == ["hello", "again"]
    handle = dev_env.client.get_workflow_handle("journey:dev-journey:dev-ann")
    assert (await handle.describe()).status == WorkflowExecutionStatus.COMPLETED
