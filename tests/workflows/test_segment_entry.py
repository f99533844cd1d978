"""Segment entry: JourneyRunWorkflow walks the segment in pages and admits each member once,
admits new members on refresh, and honours the schedule."""

from __future__ import annotations

import json
from datetime import timedelta

from herald.models import DEFINITION_ADAPTER, Event
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


async def test_the_segment_walk_takes_an_earlier_start_of_a_new_version(
    engine: Engine,
) -> None:
    name = "walk-earlier"
    now = await engine.now()
    seg = {"kind": "Segment", "name": "walk-early", "endpoint_ids": ["se1", "se2"]}
    await engine.apply(endpoint("se1"), endpoint("se2"), seg, template("hi"))
    late = {"entry": {"segment": {"segment": "walk-early"}},
            "schedule": {"start": (now + timedelta(days=10)).isoformat()}}  # fmt: skip
    await engine.apply(journey(name, "hello", HELLO, **late))
    run = engine.env.client.get_workflow_handle(journey_run_workflow_id(name))
    await eventually(lambda: run.query("admitted"), lambda n: n == 0, what="the run to report")
    # Version 2 starts tomorrow instead.
    soon = {**late, "schedule": {"start": (now + timedelta(days=1)).isoformat()}}
    await engine.apply(journey(name, "hello", HELLO, **soon))
    await engine.skip(timedelta(days=1, hours=1))
    await eventually(
        lambda: engine.outbox(name),
        lambda m: len(m) == 2,
        what="admission at the new start",
        deadline_s=5,
    )


async def test_the_segment_walk_takes_a_shorter_refresh_of_a_new_version(
    engine: Engine,
) -> None:
    name = "walk-refresh"
    seg = {"kind": "Segment", "name": "walk-ref", "endpoint_ids": ["sr1"]}
    await engine.apply(endpoint("sr1"), endpoint("sr2"), seg, template("hi"))
    weekly = {"entry": {"segment": {"segment": "walk-ref", "refresh": "P7D"}}}
    await engine.apply(journey(name, "hello", HELLO, **weekly))
    await eventually(lambda: engine.outbox(name), lambda m: len(m) == 1, what="first walk")
    hourly = {"entry": {"segment": {"segment": "walk-ref", "refresh": "PT1H"}}}
    await engine.apply(journey(name, "hello", HELLO, **hourly))
    await engine.apply({**seg, "endpoint_ids": ["sr1", "sr2"]})
    await engine.skip(timedelta(hours=2))
    await eventually(
        lambda: engine.outbox(name),
        lambda m: len(m) == 2,
        what="sr2 within the new refresh",
        deadline_s=5,
    )


async def test_the_segment_walk_evaluates_the_segment_at_its_own_time(engine: Engine) -> None:
    """Behaviour windows end at the walk's time (Temporal's, ahead of the wall clock once
    time is skipped), as the schedule does: a purchase stamped between the wall clock and
    the walk's time counts."""
    now = await engine.now()
    buyers = {
        "kind": "Segment",
        "name": "buyers",
        "rules": [{"type": "performed", "event": "purchase"}],
    }
    settings = {
        "entry": {"segment": {"segment": "buyers"}},
        "schedule": {"start": (now + timedelta(days=2)).isoformat()},
    }
    await engine.apply(endpoint("b1"), buyers, template("hi"))
    bought = Event(endpoint_id="b1", event_type="purchase", timestamp=now + timedelta(days=1))
    await engine.herald.put_event(bought, route=False)
    await engine.apply(journey("bought", "hello", HELLO, **settings))
    run = engine.env.client.get_workflow_handle(journey_run_workflow_id("bought"))
    await eventually(lambda: run.query("admitted"), lambda n: n == 0, what="the run to report")
    await engine.skip(timedelta(days=2, minutes=1))
    assert await run.result() == 1


async def test_journeys_start_pages_the_walk_as_the_journey_says(engine: Engine) -> None:
    """`herald journeys start` (a walk started again after one finished) paged by 500
    whatever the journey's `page_size`; apply and activate passed it."""
    segment = {"kind": "Segment", "name": "few", "endpoint_ids": ["p1"]}
    entry = {"entry": {"segment": {"segment": "few", "page_size": 7}}}
    await engine.apply(endpoint("p1"), segment, template("hi"))
    await engine.apply(journey("paged", "hello", HELLO, **entry))
    run = engine.env.client.get_workflow_handle(journey_run_workflow_id("paged"))
    await run.result()  # no refresh: the walk ends once the segment is walked

    await engine.herald.start_journey("paged")
    again = engine.env.client.get_workflow_handle(journey_run_workflow_id("paged"))
    history = await again.fetch_history()
    started = history.events[0].workflow_execution_started_event_attributes
    [payload] = started.input.payloads
    assert json.loads(payload.data)["page_size"] == 7
    # Let the walk end while this test's worker runs: left pending, its tasks held the shared
    # time-skipping server's clock, and the next tests' skips timed out.
    await again.result()
