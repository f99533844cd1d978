"""Segment entry: JourneyRunWorkflow walks the segment in pages and admits each member once,
admits new members on refresh, and honours the schedule."""

from __future__ import annotations

from datetime import timedelta

from herald.models import DEFINITION_ADAPTER
from herald.models.journey_run import journey_run_workflow_id
from tests.helpers import eventually
from tests.workflows.engine import Engine, endpoint, journey, template

HELLO = {"hello": {"type": "send", "template": "hi"}}


async def test_segment_walk_admits_every_member_once_then_refreshes(engine: Engine) -> None:
    people = [endpoint(f"s{i:02}") for i in range(7)]
    members = [p["Id"] for p in people[:5]]
    segment = {"kind": "Segment", "name": "early", "endpoint_ids": members}
    # A tiny page size so several pages and the cursor are exercised.
    entry = {"entry": {"segment": {"segment": "early", "refresh": "P1D", "page_size": 2}}}
    await engine.apply(*people, segment, template("hi"))
    definition = DEFINITION_ADAPTER.validate_python(journey("walk", "hello", HELLO, **entry))
    [result] = await engine.herald.apply([definition])
    assert result.note is not None and "journey-run:walk" in result.note
    sent = await eventually(
        lambda: engine.outbox("walk"), lambda m: len(m) == 5, what="five admissions"
    )
    assert sorted(m.endpoint_id for m in sent) == members
    # Two more join the segment; the next refresh admits only them.
    bigger = {**segment, "endpoint_ids": [p["Id"] for p in people]}
    await engine.apply(bigger)
    await engine.skip(timedelta(days=1, minutes=1))
    sent = await eventually(
        lambda: engine.outbox("walk"), lambda m: len(m) == 7, what="the refresh"
    )
    assert sorted(m.endpoint_id for m in sent) == sorted(p["Id"] for p in people)
    await engine.herald.journey_transition("walk", "close")
    await engine.skip(timedelta(days=1, minutes=1))
    run = engine.env.client.get_workflow_handle(journey_run_workflow_id("walk"))
    assert await run.result() == 7


async def test_segment_entry_waits_for_the_schedule_start(engine: Engine) -> None:
    starts = await engine.now() + timedelta(days=2)
    segment = {"kind": "Segment", "name": "later", "endpoint_ids": ["w1", "w2"]}
    settings = {
        "entry": {"segment": {"segment": "later"}},
        "schedule": {"start": starts.isoformat()},
    }
    await engine.apply(endpoint("w1"), endpoint("w2"), segment, template("hi"))
    await engine.herald.apply(
        [DEFINITION_ADAPTER.validate_python(journey("scheduled", "hello", HELLO, **settings))]
    )
    run = engine.env.client.get_workflow_handle(journey_run_workflow_id("scheduled"))
    await eventually(lambda: run.query("admitted"), lambda n: n == 0, what="the run to report")
    assert await engine.outbox("scheduled") == []
    await engine.skip(timedelta(days=2, minutes=1))
    assert await run.result() == 2
    assert len(await engine.outbox("scheduled")) == 2
