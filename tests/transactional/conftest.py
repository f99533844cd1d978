"""A worker on the dev server and a client over SQLite: what `POST /v1/messages` runs on;
and a Twilio server on loopback."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Any

import pytest
from temporalio.testing import WorkflowEnvironment

from herald.channels import ChannelRegistry
from herald.channels.config import ChannelSettings
from herald.channels.config_http import TwilioSettings
from herald.client import HeraldClient
from herald.models import DEFINITION_ADAPTER
from herald.settings import Settings
from herald.store import Database
from tests.channels.fakes.twilio import FakeTwilio
from tests.channels.serving import serve
from worker import build_worker

SID = "AC" + "2" * 32
TOKEN = "twilio-token-for-transactional-tests"

Running = Callable[[ChannelRegistry | None], AbstractAsyncContextManager[HeraldClient]]

DEFINITIONS: list[dict[str, Any]] = [
    {
        "kind": "Endpoint",
        "Id": "ann-email",
        "ChannelType": "EMAIL",
        "Address": "ann@example.com",
        "User": {"UserId": "ann", "UserAttributes": {"FirstName": ["Ann"]}},
    },
    {
        "kind": "Endpoint",
        "Id": "ann-sms",
        "ChannelType": "SMS",
        "Address": "+15555550100",
        "User": {"UserId": "ann"},
    },
    {
        "kind": "Endpoint",
        "Id": "bob-email",
        "ChannelType": "EMAIL",
        "Address": "bob@example.com",
        "OptOut": "ALL",
        "User": {"UserId": "bob"},
    },
    {
        "kind": "Template",
        "name": "receipt",
        "channel": "EMAIL",
        "subject": "Order {{ order }}",
        "text": "Thanks {{ User.UserAttributes.FirstName | default('there') }}, {{ order }} ships.",
    },
]


@pytest.fixture
def herald_running(
    dev_env: WorkflowEnvironment, sqlite_database: Database, task_queue: str
) -> Running:
    """A client with the definitions applied, and a worker with `channels` (the outbox)."""

    @asynccontextmanager
    async def running(channels: ChannelRegistry | None = None) -> AsyncIterator[HeraldClient]:
        settings = Settings(database_url=sqlite_database.url, task_queue=task_queue)
        herald = HeraldClient(settings, sqlite_database, dev_env.client)
        await herald.apply([DEFINITION_ADAPTER.validate_python(d) for d in DEFINITIONS])
        async with build_worker(
            dev_env.client, task_queue=task_queue, database=sqlite_database, channels=channels
        ):
            yield herald

    return running


@pytest.fixture
async def twilio() -> AsyncIterator[tuple[FakeTwilio, ChannelSettings]]:
    fake = FakeTwilio(SID, TOKEN)
    async with serve(fake.app) as url:
        settings = TwilioSettings.model_validate(
            {
                "provider": "twilio",
                "account_sid": SID,
                "auth_token": TOKEN,
                "from_number": "+15550001111",
                "base_url": url,
            }
        )
        yield fake, ChannelSettings(sms=settings)
