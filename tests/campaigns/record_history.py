"""Save a campaign run's history for the replay test: `python -m tests.campaigns.record_history
NAME` (paused and resumed mid-run) or `... NAME failed` (its snapshot fails: the segment is
no longer at the version the campaign pins) writes tests/replay/histories/NAME.json."""

from __future__ import annotations

import asyncio
import sys
import tempfile
from datetime import timedelta
from typing import Any

from temporalio.testing import WorkflowEnvironment

from herald.client import HeraldClient
from herald.models import DEFINITION_ADAPTER
from herald.settings import Settings
from herald.store import Database, upgrade
from tests.campaigns.harness import SEGMENT, TEMPLATE, add_endpoints, campaign
from tests.helpers import eventually
from tests.replay.record import HISTORIES


async def record(name: str, failed: bool) -> None:
    from tests.conftest import start_time_skipping
    from worker import build_worker

    env = await start_time_skipping()
    url = f"sqlite:///{tempfile.mkdtemp()}/h.db"
    upgrade(url)
    database = Database(url)
    herald = HeraldClient(Settings(database_url=url, task_queue="record"), database, env.client)
    await add_endpoints(database, 200)
    async with build_worker(env.client, task_queue="record", database=database):
        if failed:
            await _fail_the_snapshot(env, herald)
        else:
            await _pause_and_resume(herald)
        handle = env.client.get_workflow_handle("campaign:recorded:once")
        await handle.result()
        history = await handle.fetch_history()
    (HISTORIES / f"{name}.json").write_text(history.to_json())
    await database.dispose()
    await env.shutdown()


async def _apply(herald: HeraldClient, *docs: dict[str, Any]) -> None:
    await herald.apply([DEFINITION_ADAPTER.validate_python(d) for d in docs])


async def _pause_and_resume(herald: HeraldClient) -> None:
    doc = campaign("recorded", batch_size=50, limits={"messages_per_second": 200})
    await _apply(herald, SEGMENT, TEMPLATE, doc)
    await eventually(
        lambda: herald.campaign_status("recorded"),
        lambda s: bool(s.runs) and s.runs[0].sent > 0,
    )
    await herald.campaign_control("recorded", "pause")
    await herald.campaign_control("recorded", "resume")


async def _fail_the_snapshot(env: WorkflowEnvironment, herald: HeraldClient) -> None:
    start = await env.get_current_time() + timedelta(hours=1)
    doc = campaign("recorded", segment_version=1, schedule={"start_time": start})
    await _apply(herald, SEGMENT, TEMPLATE, doc)
    await _apply(herald, {**SEGMENT, "description": "v2"})
    await env.sleep(timedelta(hours=1, minutes=1))


if __name__ == "__main__":
    asyncio.run(record(sys.argv[1], failed=sys.argv[2:] == ["failed"]))
