"""A campaign applied again after it ended for good is scheduled anew: a cancelled one, or a
ONCE campaign whose run failed (its snapshot could not be made: the segment is not at the
version the campaign pins). The failed run says why in `herald campaigns status`; the new
run gets its own id, so it sends to every endpoint once, and the earlier runs stay listed.
One stored while Temporal was unreachable starts when it is applied again, unchanged."""

from __future__ import annotations

from datetime import timedelta

import pytest
from typer.testing import CliRunner

from herald.campaigns.errors import CampaignError
from herald.models import DEFINITION_ADAPTER
from herald.store import Database
from tests.campaigns.harness import (
    SEGMENT,
    TEMPLATE,
    add_endpoints,
    campaign,
    finished,
    herald,
    message_counts,
    outbox_per_endpoint,
    states,
    temporal_down,
    unique,
)
from tests.helpers import eventually
from tests.workflows.engine import Engine

# 50 messages a batch at 200 a second: a quarter second each, so the cancel lands mid-run.
SLOW = {"batch_size": 50, "limits": {"messages_per_second": 200}}


async def test_a_cancelled_campaign_applied_again_runs_anew(
    engine: Engine, sqlite_database: Database
) -> None:
    ids = await add_endpoints(sqlite_database, 400)
    name = unique()
    await engine.apply(SEGMENT, TEMPLATE, campaign(name, **SLOW))
    await eventually(
        lambda: engine.herald.campaign_status(name),
        lambda s: bool(s.runs) and s.runs[0].sent > 0,
        what="the first run sending",
    )
    await engine.herald.campaign_control(name, "cancel")
    first = await finished(engine, name)
    assert first.counts.sent < 400
    await engine.apply(SEGMENT, TEMPLATE, campaign(name, **SLOW))  # unchanged: nothing moves
    assert (await engine.herald.campaign_status(name)).state.value == "CANCELLED"

    start = (await engine.now() + timedelta(hours=1)).replace(microsecond=0)
    await engine.apply(SEGMENT, TEMPLATE, campaign(name, **SLOW, schedule={"start_time": start}))
    status = await engine.herald.campaign_status(name)
    [listed] = [s for s in await engine.herald.campaigns() if s.name == name]
    assert status.state.value == listed.state.value == "SCHEDULED"
    assert [(r.run, r.state.value) for r in status.runs] == [("once", "CANCELLED")]
    assert status.latest() is None  # the cancelled run is history: `--watch` waits for the next

    await engine.skip(timedelta(hours=1, minutes=1))
    second = await finished(engine, name, "once-2")
    assert second.counts.sent == 400
    status = await engine.herald.campaign_status(name)
    assert status.state.value == "COMPLETED"
    assert [(r.run, r.state.value, r.sent) for r in status.runs] == [
        ("once-2", "COMPLETED", 400),
        ("once", "CANCELLED", first.counts.sent),
    ]
    anew = await outbox_per_endpoint(sqlite_database, f"campaign:{name}:once-2:")
    assert anew == dict.fromkeys(ids, 1)  # each endpoint once in the new run
    before = await outbox_per_endpoint(sqlite_database, f"campaign:{name}:once:")
    assert len(before) == first.counts.sent and set(before.values()) == {1}
    assert (await message_counts(sqlite_database, name))[("SENT", "default")] == 400 + len(before)


async def test_a_failed_snapshot_ends_the_run_failed_and_a_fix_applied_runs_anew(
    engine: Engine, sqlite_database: Database, cli: CliRunner
) -> None:
    """A ONCE campaign pins its segment at v1; the segment moves to v2 before the start. The
    run ends FAILED with the reason and the campaign is INVALID (Pinpoint's state for a
    campaign it cannot run); pinned at v2 and applied again, it runs anew and sends."""
    await add_endpoints(sqlite_database, 20)
    name = unique()
    start = (await engine.now() + timedelta(days=1)).replace(microsecond=0)
    doc = campaign(name, segment_version=1, schedule={"start_time": start})
    await engine.apply(SEGMENT, TEMPLATE, doc)
    await engine.apply({**SEGMENT, "description": "EMAIL endpoints"})  # v2
    await engine.skip(timedelta(days=1, minutes=1))
    progress = await finished(engine, name)
    assert progress.state.value == "FAILED" and progress.counts.sent == 0

    assert await states(cli, name) == ("INVALID", "INVALID")
    [run] = (await herald(cli, "campaigns", "status", name, "--json"))["runs"]
    reason = "segment_version pins 'everyone' at v1, it is at v2; pin v2 or unpin it"
    assert (run["run"], run["state"], run["sent"]) == ("once", "FAILED", 0)
    assert reason in run["reason"]
    text = (await herald(cli, "campaigns", "status", name)).stdout
    assert f"{name}: INVALID (ONCE)" in text and f"  failed: campaign {name!r}: {reason}" in text
    with pytest.raises(CampaignError, match="it is invalid"):
        await engine.herald.campaign_control(name, "pause")

    await engine.apply({**doc, "segment_version": 2})  # its start is past: it runs at once
    second = await finished(engine, name, "once-2")
    assert second.counts.sent == 20
    assert await states(cli, name) == ("COMPLETED", "COMPLETED")
    runs = (await herald(cli, "campaigns", "status", name, "--json"))["runs"]
    assert [(r["run"], r["state"]) for r in runs] == [("once-2", "COMPLETED"), ("once", "FAILED")]


async def test_a_campaign_stored_while_temporal_was_down_starts_when_applied_again(
    engine: Engine, sqlite_database: Database
) -> None:
    """The note says "apply it again when Temporal is up"; doing so, unchanged, starts the
    run it could not start. Applied once more, the launched campaign is left alone."""
    await add_endpoints(sqlite_database, 5)
    name = unique()
    docs = [DEFINITION_ADAPTER.validate_python(d) for d in (SEGMENT, TEMPLATE, campaign(name))]
    async with temporal_down(sqlite_database) as down:
        [stored] = [r for r in await down.apply(docs) if r.kind == "Campaign"]
    assert stored.changed and "apply it again when Temporal is up" in str(stored.note)

    [again] = [r for r in await engine.herald.apply(docs) if r.kind == "Campaign"]
    assert (again.changed, again.note) == (False, f"runs once as campaign:{name}:once")
    assert (await finished(engine, name)).counts.sent == 5
    [left] = [r for r in await engine.herald.apply(docs) if r.kind == "Campaign"]
    assert (left.changed, left.note) == (False, None)
