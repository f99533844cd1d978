"""Fixtures of the campaign tests."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from temporalio.testing import WorkflowEnvironment
from typer.testing import CliRunner

from herald.client import HeraldClient
from herald.settings import Settings
from herald.store import Database
from worker import build_worker


@pytest.fixture
def cli(sqlite_database: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    """`herald` in process, on the engine's database."""
    monkeypatch.setenv("HERALD_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("HERALD_DATABASE_URL", sqlite_database.url)
    return CliRunner()


@pytest.fixture
async def herald(
    dev_env: WorkflowEnvironment, sqlite_database: Database, task_queue: str
) -> AsyncIterator[HeraldClient]:
    """A client on the dev server (Schedules: the time-skipping server has none), with a
    worker on its task queue."""
    settings = Settings(database_url=sqlite_database.url, task_queue=task_queue)
    async with build_worker(dev_env.client, task_queue=task_queue, database=sqlite_database):
        yield HeraldClient(settings, sqlite_database, dev_env.client)
