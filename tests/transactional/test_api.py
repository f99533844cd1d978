"""`POST /v1/messages` and `GET /v1/messages/{id}` served by uvicorn, with a worker on the dev
server and a Twilio server on loopback that goes down for a moment; and an API whose Temporal
cannot be reached."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
from starlette.responses import JSONResponse
from temporalio.testing import WorkflowEnvironment

from herald.api.app import create_app
from herald.auth.keys import Scope
from herald.channels import ChannelRegistry
from herald.channels.config import ChannelSettings
from herald.client import HeraldClient
from herald.models import MessageStatus
from herald.settings import Settings
from herald.store import Database
from tests.channels.fakes.twilio import FakeTwilio
from tests.loopback_http import free_port, serve_app
from tests.transactional.conftest import Running


async def _call(client: httpx.Client, method: str, url: str, **kw: Any) -> httpx.Response:
    # The API waits on the workflow this test's worker runs: keep the event loop free.
    return await asyncio.to_thread(client.request, method, url, timeout=30, **kw)


@asynccontextmanager
async def _served(herald: HeraldClient, settings: Settings) -> AsyncIterator[httpx.Client]:
    key = (await herald.create_api_key("tests", Scope.WRITE)).key
    with serve_app(create_app(settings)) as api:
        api.headers["Authorization"] = f"Bearer {key}"
        yield api


def _api(dev_env: WorkflowEnvironment, database: Database, task_queue: str) -> Settings:
    target = dev_env.client.service_client.config.target_host
    return Settings(database_url=database.url, task_queue=task_queue, temporal_address=target)


async def test_the_api_answers_results_then_202_while_a_provider_is_down(
    herald_running: Running,
    dev_env: WorkflowEnvironment,
    sqlite_database: Database,
    task_queue: str,
    twilio: tuple[FakeTwilio, ChannelSettings],
) -> None:
    fake, channel_settings = twilio
    channels = ChannelRegistry.from_settings(channel_settings, sqlite_database)
    body = {"request_id": "r-1", "endpoints": {"ann-sms": {}}, "content": {"SMS": {"body": "1"}}}
    async with herald_running(channels) as herald:
        async with _served(herald, _api(dev_env, sqlite_database, task_queue)) as api:
            ok = await _call(api, "POST", "/v1/messages", json=body)
            assert ok.status_code == 200, ok.text
            assert [r["status"] for r in ok.json()["results"]] == ["ACCEPTED"]

            # Twilio answers 503 once: the send is retried, the caller gets the id at once.
            fake.fail_next.append(JSONResponse({"code": 20500}, status_code=503))
            body = body | {"request_id": "r-2", "content": {"SMS": {"body": "2"}}}
            pending = await _call(api, "POST", "/v1/messages?wait=0.2", json=body)
            assert pending.status_code == 202, pending.text
            assert pending.json()["state"] == "PENDING"
            done = await _call(api, "GET", "/v1/messages/r-2?wait=30")
            assert done.status_code == 200, done.text
            assert [r["status"] for r in done.json()["results"]] == ["ACCEPTED"]
            again = await _call(api, "POST", "/v1/messages", json=body)
            assert (again.status_code, again.json()["duplicate"]) == (200, True)
        logged = await herald.messages(endpoint_id="ann-sms")
    await channels.aclose()

    assert [m["Body"] for m in fake.accepted] == ["1", "2"]
    assert [(m.status, m.provider) for m in logged] == [(MessageStatus.SENT, "twilio-sms")] * 2


async def test_a_request_refused_while_temporal_is_down_is_not_kept_and_its_retry_sends_once(
    herald_running: Running, dev_env: WorkflowEnvironment, sqlite_database: Database,
    task_queue: str,
) -> None:  # fmt: skip
    # The 503 says nothing was accepted: kept, the id would read PENDING with no workflow to
    # send it, and the caller's retry would be a `duplicate` of a request never sent.
    body = {
        "request_id": "while-down",
        "endpoints": {"ann-email": {}},
        "content": {"EMAIL": {"subject": "Receipt", "text": "Thanks"}},
    }
    live = _api(dev_env, sqlite_database, task_queue)
    down = live.model_copy(update={"temporal_address": f"127.0.0.1:{free_port()}"})
    async with herald_running(None) as herald:
        async with _served(herald, down) as api:
            refused = await _call(api, "POST", "/v1/messages", json=body)
        async with _served(herald, live) as api:
            read = await _call(api, "GET", "/v1/messages/while-down?wait=5")
            retried = await _call(api, "POST", "/v1/messages", json=body)
        outbox = await herald.outbox()

    assert refused.status_code == 503, refused.text
    assert read.status_code == 404, read.text
    assert retried.status_code == 200, retried.text
    assert retried.json()["duplicate"] is False
    assert [r["status"] for r in retried.json()["results"]] == ["ACCEPTED"]
    assert [m.content.subject for m in outbox] == ["Receipt"]


async def test_bad_requests_are_refused_naming_the_field(
    herald_running: Running, dev_env: WorkflowEnvironment, sqlite_database: Database,
    task_queue: str,
) -> None:  # fmt: skip
    async with herald_running(None) as herald:
        async with _served(herald, _api(dev_env, sqlite_database, task_queue)) as api:
            unknown = await _call(
                api,
                "POST",
                "/v1/messages",
                json={"endpoints": {"ann-email": {}}, "templates": {"EMAIL": {"name": "nope"}}},
            )
            lacking = await _call(
                api,
                "POST",
                "/v1/messages",
                json={"addresses": {"a@b.io": {"channel": "EMAIL"}}, "content": {"SMS": {}}},
            )
            missing = await _call(api, "GET", "/v1/messages/never-sent")
        kept = await herald.messages()

    assert unknown.status_code == 422
    assert unknown.json()["detail"] == "templates.EMAIL: template 'nope' does not exist"
    assert lacking.status_code == 422
    problems = {".".join(map(str, p["loc"])): p["msg"] for p in lacking.json()["detail"]}
    assert "body.content.SMS.SMS.body" in problems
    assert missing.status_code == 404
    assert kept == []
