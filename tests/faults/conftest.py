"""Fault tests: a seed for the random moments (printed, so a failing run can be repeated)
and a Herald client over a SQLite file that the worker processes share."""

from __future__ import annotations

import os
import random
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from temporalio.client import Client

from herald.client import HeraldClient
from herald.settings import Settings
from herald.store import Database, upgrade


@pytest.fixture
def fault_seed() -> int:
    given = os.environ.get("HERALD_FAULT_SEED")
    seed = int(given) if given else random.SystemRandom().randrange(2**32)
    print(f"fault seed {seed}: HERALD_FAULT_SEED={seed} repeats these moments")
    return seed


def settings_for(tmp_path: Path, database_url: str, task_queue: str) -> Settings:
    """What the test and every process it starts share: database, queue, home for logs."""
    return Settings(home=tmp_path, database_url=database_url, task_queue=task_queue)


@pytest.fixture
async def file_herald(
    tmp_path: Path, task_queue: str, dev_client: Client
) -> AsyncIterator[HeraldClient]:
    settings = settings_for(tmp_path, f"sqlite:///{tmp_path / 'herald.db'}", task_queue)
    upgrade(settings.resolved_database_url)
    database = Database(settings.resolved_database_url)
    yield HeraldClient(settings, database, dev_client)
    await database.dispose()
