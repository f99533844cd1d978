"""Pause, resume and cancel a running campaign; refused requests say why; quiet time."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from temporalio.client import WorkflowUpdateFailedError

from herald.campaigns.errors import CampaignError
from herald.campaigns.status import CampaignStatus
from herald.models.campaign_run import RESUME_UPDATE, ControlRequest, RunProgress
from herald.store import Database
from tests.campaigns.harness import (
    SEGMENT,
    TEMPLATE,
    add_endpoints,
    campaign,
    finished,
    message_counts,
    outbox_per_endpoint,
    run_handle,
    sent_at,
    unique,
)
from tests.helpers import eventually
from tests.workflows.engine import Engine

# 50 messages a batch at 200 a second: a quarter second each, so a request lands mid-run.
SLOW = {"batch_size": 50, "limits": {"messages_per_second": 200}}


async def status_until(engine: Engine, name: str, state: str) -> CampaignStatus:
    return await eventually(
        lambda: engine.herald.campaign_status(name),
        lambda s: bool(s.runs) and s.runs[0].state.value == state and s.runs[0].sent > 0,
        what=f"{name} {state}",
    )


async def sending(engine: Engine, database: Database) -> str:
    """A slow campaign to 400 endpoints that has started sending; returns its name."""
    await add_endpoints(database, 400)
    name = unique()
    await engine.apply(SEGMENT, TEMPLATE, campaign(name, **SLOW))
    await status_until(engine, name, "EXECUTING")
    return name


async def test_pause_holds_sending_and_resume_finishes_it(
    engine: Engine, sqlite_database: Database
) -> None:
    name = await sending(engine, sqlite_database)
    await engine.herald.campaign_control(name, "pause")
    paused = await status_until(engine, name, "PAUSED")
    assert paused.state.value == "PAUSED"
    await engine.skip(timedelta(hours=6))  # a paused run sends nothing, however long
    still = await engine.herald.campaign_status(name)
    assert still.runs[0].sent == paused.runs[0].sent < 400
    with pytest.raises(CampaignError, match="already paused"):
        await engine.herald.campaign_control(name, "pause")
    await engine.herald.campaign_control(name, "resume")
    progress = await finished(engine, name)
    assert progress.counts.sent == 400
    assert set((await outbox_per_endpoint(sqlite_database, f"campaign:{name}:")).values()) == {1}
    assert (await engine.herald.campaign_status(name)).state.value == "COMPLETED"


async def test_cancel_stops_the_run_and_skips_the_rest(
    engine: Engine, sqlite_database: Database
) -> None:
    name = await sending(engine, sqlite_database)
    await engine.herald.campaign_control(name, "cancel")
    progress = await finished(engine, name)
    status = await engine.herald.campaign_status(name)
    assert status.state.value == "CANCELLED"
    [run] = status.runs
    assert run.sent == progress.counts.sent < 400
    assert run.skipped_reasons == {"campaign cancelled": 400 - run.sent}
    with pytest.raises(CampaignError, match="cancelled"):
        await engine.herald.campaign_control(name, "resume")


async def test_update_validator_refuses_a_resume_that_is_not_paused(
    engine: Engine, sqlite_database: Database
) -> None:
    name = await sending(engine, sqlite_database)
    with pytest.raises(WorkflowUpdateFailedError) as refused:
        await run_handle(engine, name).execute_update(
            RESUME_UPDATE, ControlRequest(), result_type=RunProgress
        )
    assert "not paused" in str(refused.value.cause)
    await engine.herald.campaign_control(name, "cancel")
    await finished(engine, name)


@pytest.mark.parametrize("mode", ["wait", "skip"])
async def test_quiet_time_holds_or_skips(
    engine: Engine, sqlite_database: Database, mode: str
) -> None:
    await add_endpoints(sqlite_database, 10)
    name = unique()
    day = (await engine.now() + timedelta(days=1)).date()
    start = datetime(day.year, day.month, day.day, 23, 0, tzinfo=UTC)
    quiet = {"start": "22:00", "end": "07:00", "mode": mode}
    doc = campaign(name, schedule={"start_time": start}, quiet_time=quiet)
    await engine.apply(SEGMENT, TEMPLATE, doc)
    await engine.skip(timedelta(days=2, hours=12))
    await finished(engine, name)
    counts = await message_counts(sqlite_database, name)
    if mode == "skip":
        assert counts == {("SKIPPED", "default"): 10}
        return
    assert counts == {("SENT", "default"): 10}
    times = set((await sent_at(sqlite_database, name)).values())
    assert times == {start + timedelta(hours=8)}  # 07:00 the next morning
