"""`herald journeys ...` as a user types it: the CLI in process on the engine's SQLite file,
talking to the time-skipping server the engine's worker polls."""

from __future__ import annotations

import asyncio
import json
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from temporalio.testing import WorkflowEnvironment
from typer.testing import CliRunner, Result

from herald.cli import app
from herald.store import Database
from tests.workflows.engine import Engine

SERIES = """
kind: Template
name: t1
channel: EMAIL
subject: one
text: hi
---
kind: Template
name: t2
channel: EMAIL
subject: two
text: hi
---
kind: Endpoint
Id: ann
ChannelType: EMAIL
Address: ann@example.com
---
kind: Endpoint
Id: bob
ChannelType: EMAIL
Address: bob@example.com
---
kind: Journey
name: NAME
start: one
steps:
  one: {type: send, template: t1, next: nap}
  nap: {type: wait, duration: P2D, next: two}
  two: {type: send, template: t2}
"""


@pytest.fixture
def cli(
    engine: Engine,
    time_skipping_env: WorkflowEnvironment,
    sqlite_database: Database,
    task_queue: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> CliRunner:
    """`herald` on the engine's database, server and task queue."""
    monkeypatch.setenv("HERALD_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("HERALD_DATABASE_URL", sqlite_database.url)
    address = time_skipping_env.client.service_client.config.target_host
    monkeypatch.setenv("HERALD_TEMPORAL_ADDRESS", address)
    monkeypatch.setenv("HERALD_TASK_QUEUE", task_queue)
    return CliRunner()


def series(name: str) -> str:
    """The definitions, with the journey named for one test: the time-skipping server is
    shared, and a participant's workflow id is the journey's name and its id."""
    return SERIES.replace("NAME", name)


def said(text: str) -> str:
    """Output with rich's line wrapping undone."""
    return " ".join(text.split())


async def herald(cli: CliRunner, *args: str, code: int = 0) -> Result:
    # The command runs its own event loop; this test's loop keeps running the worker.
    result = await asyncio.to_thread(cli.invoke, app, list(args))
    assert result.exit_code == code, (result.stdout, result.stderr)
    return result


async def as_json(cli: CliRunner, *args: str, code: int = 0) -> Any:
    return json.loads((await herald(cli, *args, "--json", code=code)).stdout)


def write(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text)
    return str(path)


async def listed_state(cli: CliRunner, name: str) -> str:
    listed = await as_json(cli, "journeys", "list")
    return {str(j["journey"]["name"]): str(j["state"]) for j in listed}[name]


async def test_enter_status_pause_resume_close_until_completed(
    cli: CliRunner, engine: Engine, tmp_path: Path
) -> None:
    path = write(tmp_path, "cli-walk.yaml", series("cli-walk"))
    published = await as_json(cli, "journeys", "publish", path)
    assert [(r["name"], r["version"], r["state"]) for r in published if r["kind"] == "Journey"] == [
        ("cli-walk", 1, "ACTIVE")
    ]
    entered = await herald(cli, "journeys", "enter", "cli-walk", "--endpoint", "ann")
    assert "ann entered cli-walk v1 (journey:cli-walk:ann)" in said(entered.stdout)
    again = await herald(cli, "journeys", "enter", "cli-walk", "--endpoint", "ann", code=1)
    assert "ann did not enter cli-walk: already entered" in said(again.stdout)
    await engine.waiting("cli-walk", "ann", on="nap")

    status = await as_json(cli, "journeys", "status", "cli-walk")
    assert (status["state"], status["entered"], status["running"]) == ("ACTIVE", 1, 1)
    assert status["at_step"] == {"nap": 1}

    assert await as_json(cli, "journeys", "pause", "cli-walk") == {
        "journey": "cli-walk",
        "action": "pause",
        "previous_state": "ACTIVE",
        "state": "PAUSED",
        "signalled": 1,
        "note": None,
    }
    assert (await engine.waiting("cli-walk", "ann")).paused
    refused = await herald(cli, "journeys", "enter", "cli-walk", "--endpoint", "bob", code=1)
    assert "bob did not enter cli-walk: journey is PAUSED" in said(refused.stdout)
    resumed = await as_json(cli, "journeys", "resume", "cli-walk")
    assert (resumed["state"], resumed["signalled"]) == ("ACTIVE", 1)
    closed = await herald(cli, "journeys", "close", "cli-walk")
    assert "cli-walk: ACTIVE -> CLOSED; 0 participant(s) signalled" in said(closed.stdout)
    assert (await as_json(cli, "journeys", "status", "cli-walk"))["state"] == "CLOSED"
    assert await listed_state(cli, "cli-walk") == "CLOSED"

    await engine.skip(timedelta(days=2, minutes=1))
    await engine.finish("cli-walk", "ann")
    status = await as_json(cli, "journeys", "status", "cli-walk")
    assert (status["state"], status["running"], status["finished"]) == ("COMPLETED", 0, 1)
    assert status["outcomes"] == {"completed at two": 1}
    assert await listed_state(cli, "cli-walk") == "COMPLETED"
    table = await herald(cli, "journeys", "status", "cli-walk")
    assert "cli-walk v1: COMPLETED, entered 1, running 0, finished 1" in said(table.stdout)
    refused = await herald(cli, "journeys", "cancel", "cli-walk", code=2)
    assert "cannot cancel journey 'cli-walk': it is COMPLETED" in said(refused.stderr)


async def test_cancel_stops_participants_and_refusals_exit_2(
    cli: CliRunner, engine: Engine, tmp_path: Path
) -> None:
    await herald(cli, "apply", write(tmp_path, "cli-stop.yaml", series("cli-stop")))
    await herald(cli, "journeys", "enter", "cli-stop", "--endpoint", "ann")
    await engine.waiting("cli-stop", "ann", on="nap")
    cancelled = await as_json(cli, "journeys", "cancel", "cli-stop")
    assert (cancelled["previous_state"], cancelled["state"], cancelled["signalled"]) == (
        "ACTIVE",
        "CANCELLED",
        1,
    )
    result = await engine.finish("cli-stop", "ann")
    assert result.exit_reason == "cancelled: journey cli-stop cancelled"
    resumed = await herald(cli, "journeys", "resume", "cli-stop", "--json", code=2)
    assert "cannot resume journey 'cli-stop': it is CANCELLED" in said(resumed.stderr)
    assert resumed.stdout == ""
    for command in ("status", "pause", "resume", "close", "cancel", "activate"):
        missing = await herald(cli, "journeys", command, "ghost", code=2)
        assert "journey 'ghost' is not published; `herald apply` it first" in said(missing.stderr)
    missing = await herald(cli, "journeys", "enter", "ghost", "--endpoint", "ann", code=2)
    assert "journey 'ghost' is not published" in said(missing.stderr)
    nobody = await herald(cli, "journeys", "enter", "cli-stop", "--endpoint", "zed", code=2)
    assert "endpoint 'zed' does not exist" in said(nobody.stderr)


async def test_a_draft_is_activated_by_publish_or_activate(
    cli: CliRunner, engine: Engine, tmp_path: Path
) -> None:
    draft = series("cli-draft") + "state: DRAFT\n"
    second = draft.replace("name: cli-draft", "name: cli-other")
    applied = await herald(cli, "apply", write(tmp_path, "d.yaml", draft))
    assert (
        "Journey cli-draft v1 applied "
        "(DRAFT: admits no one until `herald journeys activate cli-draft`)" in said(applied.stdout)
    )
    await herald(cli, "apply", write(tmp_path, "o.yaml", second))
    assert await listed_state(cli, "cli-draft") == "DRAFT"
    refused = await as_json(cli, "journeys", "enter", "cli-draft", "--endpoint", "ann", code=1)
    assert refused["refused"] == (
        "journey 'cli-draft' is a DRAFT: activate it with `herald journeys activate cli-draft`"
    )
    paused = await herald(cli, "journeys", "pause", "cli-draft", code=2)
    assert "it is DRAFT; activate it with `herald journeys activate cli-draft`" in said(
        paused.stderr
    )

    # `journeys publish` takes the draft's own file live, without a new version.
    live = await herald(cli, "journeys", "publish", str(tmp_path / "d.yaml"))
    assert "Journey cli-draft v1 applied (activated)" in said(live.stdout)
    await herald(cli, "journeys", "enter", "cli-draft", "--endpoint", "ann")
    # `journeys activate` takes a stored draft live.
    activated = await as_json(cli, "journeys", "activate", "cli-other")
    assert (activated["previous_state"], activated["state"]) == ("DRAFT", "ACTIVE")
    await herald(cli, "journeys", "enter", "cli-other", "--endpoint", "bob")
    await engine.waiting("cli-other", "bob", on="nap")
    twice = await herald(cli, "journeys", "activate", "cli-other", code=2)
    assert "cannot activate journey 'cli-other': it is ACTIVE" in said(twice.stderr)

    # Publishing a changed definition makes a new version; Ann stays on hers.
    changed = series("cli-draft").replace("next: nap}", "next: nap, title: first}")
    v2 = await herald(cli, "journeys", "publish", write(tmp_path, "v2.yaml", changed))
    assert "Journey cli-draft v2 applied" in said(v2.stdout)
    [journey] = [
        j for j in await as_json(cli, "journeys", "list") if j["journey"]["name"] == "cli-draft"
    ]
    assert (journey["version"], journey["state"]) == (2, "ACTIVE")
    assert (await engine.waiting("cli-draft", "ann", on="nap")).version == 1
