"""A Herald client and an in-process worker on the dev server, with the given two-way
settings: the setting both two-way end-to-end tests need."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from temporalio.testing import WorkflowEnvironment

from herald.client import HeraldClient
from herald.inbound.settings import TwoWaySettings
from herald.settings import Settings
from herald.store import Database, upgrade
from worker import build_worker


@asynccontextmanager
async def dev_herald(
    dev_env: WorkflowEnvironment, home: Path, task_queue: str, two_way: TwoWaySettings
) -> AsyncIterator[HeraldClient]:
    settings = Settings(
        database_url=f"sqlite:///{home / 'h.db'}",
        task_queue=task_queue,
        temporal_address=dev_env.client.service_client.config.target_host,
        two_way=two_way,
    )
    upgrade(settings.resolved_database_url)
    database = Database(settings.resolved_database_url)
    client = HeraldClient(settings, database, dev_env.client)
    async with build_worker(dev_env.client, task_queue=task_queue, database=database):
        yield client
    await client.close()
