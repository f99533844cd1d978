"""A campaign's state and progress as `herald campaigns status|list` show them: SCHEDULED,
then COMPLETED (or CANCELLED) for a ONCE campaign, PENDING_NEXT_RUN then COMPLETED after
the end for a recurring one; `status --watch` follows a run until it is over."""

from __future__ import annotations

import asyncio
import os
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from herald.apply import apply_definitions
from herald.campaigns.errors import CampaignError
from herald.models import DEFINITION_ADAPTER, MessageChannel
from herald.models.message import AddressProblem
from herald.store import Database
from herald.store.campaigns import treatment_sizes
from herald.store.campaigns_tables import CampaignAssignmentRow
from herald.store.endpoints import delete_endpoint
from herald.store.suppressions import suppress
from tests.campaigns.harness import (
    SEGMENT,
    TEMPLATE,
    add_endpoints,
    campaign,
    finished,
    herald,
    states,
    unique,
)
from tests.helpers import eventually
from tests.workflows.engine import Engine

ROOT = Path(__file__).resolve().parents[2]


async def test_a_once_campaign_at_a_time_shows_scheduled_then_completed(
    engine: Engine, sqlite_database: Database, cli: CliRunner
) -> None:
    await add_endpoints(sqlite_database, 20)
    name = unique()
    start = (await engine.now() + timedelta(days=1)).replace(microsecond=0)
    await engine.apply(SEGMENT, TEMPLATE, campaign(name, schedule={"start_time": start}))
    assert await states(cli, name) == ("SCHEDULED", "SCHEDULED")
    await engine.skip(timedelta(days=1, minutes=1))
    await finished(engine, name)
    assert await states(cli, name) == ("COMPLETED", "COMPLETED")
    [run] = (await herald(cli, "campaigns", "status", name, "--json"))["runs"]
    assert (run["state"], run["sent"], run["remaining"]) == ("COMPLETED", 20, 0)
    refused = await herald(cli, "campaigns", "pause", name, code=2)
    assert f"cannot pause campaign {name!r}: it is completed" in refused.stderr


async def test_a_once_campaign_cancelled_before_its_start_shows_cancelled(
    engine: Engine, sqlite_database: Database, cli: CliRunner, tmp_path: Path
) -> None:
    await add_endpoints(sqlite_database, 5)
    name = unique()
    start = await engine.now() + timedelta(days=1)
    await engine.apply(SEGMENT, TEMPLATE, campaign(name, schedule={"start_time": start}))
    await engine.herald.campaign_control(name, "cancel")
    await finished(engine, name)
    assert await states(cli, name) == ("CANCELLED", "CANCELLED")
    watch = await _watch(sqlite_database, tmp_path, name)  # no run, and none to come: it ends
    stdout, _ = await _ended(watch)
    assert f"{name}: CANCELLED: no run yet" in stdout and f"{name}: CANCELLED (ONCE)" in stdout


async def test_a_recurring_campaign_is_pending_between_runs_and_completed_after_its_end(
    engine: Engine, sqlite_database: Database
) -> None:
    await add_endpoints(sqlite_database, 5)
    name = unique()
    now = await engine.now()
    schedule = {
        "frequency": "DAILY",
        "start_time": now,
        "end_time": now + timedelta(days=1, hours=12),
    }
    await engine.apply(SEGMENT, TEMPLATE)
    client = engine.herald
    async with client.database.session() as session:  # stored only: runs started by hand
        doc = DEFINITION_ADAPTER.validate_python(campaign(name, schedule=schedule))
        await apply_definitions(session, [doc])
    assert (await client.campaign_status(name)).state.value == "SCHEDULED"
    for run in ("day-1", "day-2"):
        await client.start_run(name, run)
        await finished(engine, name, run)
        assert (await client.campaign_status(name)).state.value == "PENDING_NEXT_RUN"
        await engine.skip(timedelta(days=1))
    status = await client.campaign_status(name)  # past end_time: no run starts any more
    assert status.state.value == "COMPLETED" and [r.sent for r in status.runs] == [5, 5]
    with pytest.raises(CampaignError, match="it is completed"):
        await client.campaign_control(name, "pause")


@pytest.mark.parametrize("terminal", [False, True], ids=["pipe", "terminal"])
async def test_watch_shows_progress_and_exits_when_the_run_is_over(
    engine: Engine, sqlite_database: Database, tmp_path: Path, terminal: bool
) -> None:
    """A run whose treatment b waits a day: the watch shows it in progress (sent, skipped
    with the reason, failed, remaining, when the rest is due), then its end, and exits. On
    a terminal it is a live bar; in a pipe, a line per change."""
    ids = await add_endpoints(sqlite_database, 30)
    async with sqlite_database.session() as session:
        for endpoint_id in ids[:3]:
            await suppress(
                session, MessageChannel.EMAIL, f"{endpoint_id}@example.com", AddressProblem.INVALID
            )
    name = unique()
    b_time = (await engine.now() + timedelta(days=1)).replace(microsecond=0)
    b_message = {"channel": "EMAIL", "inline": {"subject": "B", "text": "b"}}
    b = {
        "name": "b",
        "size_percent": 50,
        "messages": [b_message],
        "schedule": {"start_time": b_time},
    }
    await engine.apply(SEGMENT, TEMPLATE, campaign(name, treatments=[b]))
    status = await eventually(
        lambda: engine.herald.campaign_status(name),
        lambda s: bool(s.runs) and s.runs[0].next_due is not None,
        what="treatment b waiting",
    )
    waiting = status.runs[0]
    await _delete_a_waiting_endpoint(sqlite_database, name, ids[3:])
    watch = await _watch(sqlite_database, tmp_path, name, terminal)
    first = await _line_with(watch, "next due")
    assert f"sent {waiting.sent}, skipped 3, failed 0, remaining {waiting.remaining}," in first
    assert f"next due {b_time.isoformat()}" in first and "[EXECUTING]" in first
    await engine.skip(timedelta(days=1, minutes=1))
    text, _ = await _ended(watch)
    sizes = await treatment_sizes_of(sqlite_database, name)
    assert f"sent {sum(sizes.values()) - 3 - 1}, skipped 3, failed 1, remaining 0," in text
    assert "  skipped 3: address suppressed on EMAIL: INVALID" in text
    assert "[COMPLETED]" in text and f"{name}: COMPLETED (ONCE)" in text
    assert ("\x1b[2K" in text) is terminal  # a live display redraws its lines; a pipe does not


async def treatment_sizes_of(database: Database, name: str) -> dict[str, int]:
    async with database.session() as session:
        return await treatment_sizes(session, name, "once")


async def _delete_a_waiting_endpoint(database: Database, name: str, among: list[str]) -> str:
    """Delete one of treatment b's waiting endpoints: its send fails when b's time comes."""
    a = CampaignAssignmentRow
    async with database.session() as session:
        rows = await session.execute(
            a.__table__.select().where(
                a.campaign == name, a.treatment == "b", a.state == "DEFERRED"
            )
        )
        waiting = sorted(str(r.endpoint_id) for r in rows if str(r.endpoint_id) in among)
        await delete_endpoint(session, waiting[0])
    return waiting[0]


async def _watch(
    database: Database, tmp_path: Path, name: str, terminal: bool = False
) -> asyncio.subprocess.Process:
    """`herald campaigns status NAME --watch` as its own process, its output a pipe (taken
    for a wide, colourless terminal when `terminal`)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HERALD_", "FORCE_", "TTY_"))}
    env |= {"HERALD_DATABASE_URL": database.url, "HERALD_HOME": str(tmp_path / "home")}
    if terminal:
        env |= {"TTY_COMPATIBLE": "1", "COLUMNS": "200", "NO_COLOR": "1"}
    return await asyncio.create_subprocess_exec(
        sys.executable, "-c", "from herald.cli import main; main()",
        "campaigns", "status", name, "--watch",
        cwd=ROOT, env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip


async def _ended(process: asyncio.subprocess.Process) -> tuple[str, str]:
    """(stdout, stderr) of a watch that ends by itself within 60 s, successfully."""
    try:
        stdout, stderr = await asyncio.wait_for(process.communicate(), timeout=60)
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
    assert process.returncode == 0, stderr.decode()
    return stdout.decode(), stderr.decode()


async def _line_with(process: asyncio.subprocess.Process, text: str) -> str:
    """The first line of the process's output holding `text` (within 30 s)."""
    assert process.stdout is not None

    async def read() -> str:
        assert process.stdout is not None
        while line := (await process.stdout.readline()).decode():
            if text in line:
                return line
        raise AssertionError(f"the watch ended without a line holding {text!r}")

    try:
        return await asyncio.wait_for(read(), timeout=30)
    except BaseException:
        process.kill()
        await process.wait()
        raise
