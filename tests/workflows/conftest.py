"""Journey tests share one engine fixture: a worker on a fresh queue over SQLite."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from temporalio.testing import WorkflowEnvironment

from herald.store import Database
from tests.workflows.engine import Engine, running_engine


@pytest.fixture
async def engine(
    time_skipping_env: WorkflowEnvironment, sqlite_database: Database, task_queue: str
) -> AsyncIterator[Engine]:
    async with running_engine(time_skipping_env, sqlite_database, task_queue) as running:
        yield running
