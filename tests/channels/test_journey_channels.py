"""End to end: a journey step sends push through FCM, voice through Twilio, and in-app
messages an app then fetches over Herald's in-app API, each through the configured provider
on a loopback server, with the provider's id in the message log."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from temporalio.testing import WorkflowEnvironment

from herald.api.app import create_app
from herald.channels import ChannelRegistry
from herald.channels.config import ChannelSettings
from herald.channels.config_http import FcmSettings, MobilePushSettings, TwilioSettings
from herald.channels.config_local import InAppSettings
from herald.client import HeraldClient
from herald.models import DEFINITION_ADAPTER, MessageRecord, MessageStatus
from herald.settings import Settings
from herald.store import Database
from tests.channels.fakes.fcm import FakeFcm
from tests.channels.fakes.twilio import FakeTwilio
from tests.channels.keys import pem
from tests.channels.serving import serve
from tests.loopback_http import serve_app
from worker import build_worker

SID, TOKEN = "AC" + "3" * 32, "twilio-token-journey-test"
EMAIL, PROJECT = "herald@herald-test.iam.gserviceaccount.com", "herald-test"


async def _journey(
    env: WorkflowEnvironment,
    database: Database,
    task_queue: str,
    channels: ChannelSettings,
    endpoint: dict[str, Any],
    template: dict[str, Any],
) -> list[MessageRecord]:
    """Apply a one-step journey sending `template`, enter `endpoint`, wait for the end."""
    settings = Settings(database_url=database.url, task_queue=task_queue)
    herald = HeraldClient(settings, database, env.client)
    step = {"type": "send", "channel": template["channel"], "template": template["name"]}
    journey = {"kind": "Journey", "name": "notify", "start": "send", "steps": {"send": step}}
    docs = [{"kind": "Endpoint", **endpoint}, {"kind": "Template", **template}, journey]
    await herald.apply([DEFINITION_ADAPTER.validate_python(d) for d in docs])
    registry = ChannelRegistry.from_settings(channels, database)
    async with build_worker(
        env.client, task_queue=task_queue, database=database, channels=registry
    ):
        entered = await herald.enter("notify", endpoint["Id"])
        await env.client.get_workflow_handle(entered.workflow_id).result()
    await registry.aclose()
    return await herald.messages(journey="notify")


@pytest.fixture
async def fcm(
    rsa_key: rsa.RSAPrivateKey, tmp_path: Path
) -> AsyncIterator[tuple[FakeFcm, FcmSettings]]:
    fake = FakeFcm(rsa_key.public_key(), EMAIL, PROJECT)
    async with serve(fake.app) as url:
        fake.base_url = url
        account = {
            "type": "service_account", "project_id": PROJECT, "private_key_id": "k1",
            "private_key": pem(rsa_key), "client_email": EMAIL, "token_uri": f"{url}/token",
        }  # fmt: skip
        path = tmp_path / "service-account.json"
        path.write_text(json.dumps(account))
        yield fake, FcmSettings(service_account_file=path, base_url=url, timeout=5)


async def test_a_journey_step_sends_a_push_through_fcm(
    time_skipping_env: WorkflowEnvironment, sqlite_database: Database, task_queue: str,
    fcm: tuple[FakeFcm, FcmSettings],
) -> None:  # fmt: skip
    fake, settings = fcm
    logged = await _journey(
        time_skipping_env, sqlite_database, task_queue,
        ChannelSettings(push=MobilePushSettings(provider="mobile", fcm=settings)),
        {"Id": "ann-phone", "ChannelType": "GCM", "Address": "token-ann"},
        {"name": "shipped", "channel": "PUSH", "title": "Shipped", "body": "For {{ Id }}"},
    )  # fmt: skip
    [sent] = fake.accepted
    assert (sent["token"], sent["notification"]) == (
        "token-ann",
        {"title": "Shipped", "body": "For ann-phone"},
    )
    assert [(m.status, m.provider_message_id) for m in logged] == [
        (MessageStatus.SENT, sent["name"])
    ]


async def test_a_journey_step_calls_through_twilio_voice(
    time_skipping_env: WorkflowEnvironment, sqlite_database: Database, task_queue: str
) -> None:
    fake = FakeTwilio(SID, TOKEN)
    async with serve(fake.app) as url:
        twilio = TwilioSettings.model_validate(
            {"provider": "twilio", "account_sid": SID, "auth_token": TOKEN,
             "from_number": "+15550001111", "base_url": url}
        )  # fmt: skip
        logged = await _journey(
            time_skipping_env, sqlite_database, task_queue, ChannelSettings(voice=twilio),
            {"Id": "ann-voice", "ChannelType": "VOICE", "Address": "+15555550100"},
            {"name": "call", "channel": "VOICE", "body": "Your parcel for {{ Id }} is here"},
        )  # fmt: skip
    [call] = fake.accepted
    assert (call["To"], call["From"]) == ("+15555550100", "+15550001111")
    assert "Your parcel for ann-voice is here" in call["Twiml"]
    assert [(m.status, m.provider_message_id) for m in logged] == [
        (MessageStatus.SENT, call["sid"])
    ]


async def test_a_journey_step_leaves_an_in_app_message_the_app_fetches(
    time_skipping_env: WorkflowEnvironment, sqlite_database: Database, task_queue: str
) -> None:
    logged = await _journey(
        time_skipping_env, sqlite_database, task_queue,
        ChannelSettings(in_app=InAppSettings(provider="in_app")),
        {"Id": "ann-app", "ChannelType": "IN_APP", "Address": "ann-app"},
        {"name": "banner", "channel": "IN_APP", "header": "Hi {{ Id }}", "body": "New!",
         "priority": 5},
    )  # fmt: skip
    settings = Settings(database_url=sqlite_database.url)
    async with await HeraldClient.connect(settings, migrate=False) as herald:
        token = await herald.in_app_token("ann-app")  # what the app is given at sign-in
    with serve_app(create_app(settings)) as api:
        api.headers["X-Herald-Endpoint-Token"] = token
        fetched = (await asyncio.to_thread(api.get, "/v1/in-app/ann-app")).json()
    [message] = fetched
    assert (message["content"]["header"], message["content"]["body"]) == ("Hi ann-app", "New!")
    assert [m.status for m in logged] == [MessageStatus.SENT]
