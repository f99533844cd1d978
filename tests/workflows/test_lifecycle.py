"""Journey lifecycle end to end: drafts, pause stops the clock, resume, cancel, close and
completion, migrate, and the re-entry rules."""

from __future__ import annotations

from datetime import timedelta

import pytest
from temporalio.service import RPCError, RPCStatusCode

from herald.definitions import DefinitionError
from herald.journeys.lifecycle import LifecycleError
from herald.models import DEFINITION_ADAPTER, Event
from herald.models.journey_run import journey_run_workflow_id
from tests.helpers import eventually
from tests.workflows.engine import SERIES, Engine, endpoint, journey, template


async def _series(engine: Engine, name: str, *people: str, **fields: object) -> None:
    """Apply the series journey; `state` is a definition field, the rest settings."""
    doc = journey(name, "one", SERIES, **{k: v for k, v in fields.items() if k != "state"})
    if "state" in fields:
        doc["state"] = fields["state"]
    await engine.apply(*(endpoint(p) for p in people), template("t1"), template("t2"), doc)


async def test_pause_stops_the_clock_and_resume_continues(engine: Engine) -> None:
    await _series(engine, "paused", "pia")
    await engine.herald.enter("paused", "pia")
    await engine.waiting("paused", "pia", on="nap")
    await engine.skip(timedelta(days=1))
    assert await engine.herald.journey_transition("paused", "pause") == 1
    refused = await engine.herald.enter("paused", "pia")
    assert refused.refused == "journey is PAUSED"
    state = await engine.waiting("paused", "pia")
    assert state.paused
    await engine.skip(timedelta(days=5))  # far past the original wake-up time
    assert len(await engine.outbox("paused")) == 1, "a paused participant sent"
    await engine.herald.journey_transition("paused", "resume")
    resumed = await engine.waiting("paused", "pia", on="nap")
    assert not resumed.paused
    assert resumed.waiting_until is not None
    remaining = resumed.waiting_until - await engine.now()
    assert timedelta(hours=23) < remaining <= timedelta(days=1, minutes=1), remaining
    await engine.skip(timedelta(days=1, minutes=2))
    result = await engine.finish("paused", "pia")
    assert engine.path(result) == ["one", "nap", "two"]


async def test_cancel_stops_participants_and_close_refuses_entries(engine: Engine) -> None:
    await _series(engine, "stopme", "cal")
    await _series(engine, "closing", "cleo", "late")
    await engine.herald.enter("stopme", "cal")
    await engine.herald.enter("closing", "cleo")
    await engine.waiting("stopme", "cal", on="nap")
    await engine.waiting("closing", "cleo", on="nap")
    await engine.herald.journey_transition("stopme", "cancel")
    await engine.herald.journey_transition("closing", "close")
    cancelled = await engine.finish("stopme", "cal")
    assert cancelled.exit_reason == "cancelled: journey stopme cancelled"
    assert (await engine.herald.enter("closing", "late")).refused == "journey is CLOSED"
    with pytest.raises(LifecycleError, match="cannot resume journey 'closing': it is CLOSED"):
        await engine.herald.journey_transition("closing", "resume")
    await engine.skip(timedelta(days=2, minutes=1))
    assert engine.path(await engine.finish("closing", "cleo")) == ["one", "nap", "two"]


async def _states(engine: Engine, name: str) -> tuple[str, str]:
    """(status, list) states of the journey; the dashboard must show the list's."""
    listed = {j.journey.name: j.state for j in await engine.herald.journey_list()}
    dashboard = {j.name: j.state for j in (await engine.herald.dashboard_overview()).journeys}
    assert dashboard[name] == listed[name], "the dashboard and `herald journeys list` disagree"
    return (await engine.herald.journey_status(name)).state, listed[name]


async def test_a_closed_journey_completes_when_its_last_participant_finishes(
    engine: Engine,
) -> None:
    await _series(engine, "winding", "wes")
    await engine.herald.enter("winding", "wes")
    await engine.waiting("winding", "wes", on="nap")
    closed = await engine.herald.journey_control("winding", "close")
    assert (closed.previous_state, closed.state, closed.signalled) == ("ACTIVE", "CLOSED", 0)
    assert await _states(engine, "winding") == ("CLOSED", "CLOSED")
    await engine.skip(timedelta(days=2, minutes=1))
    assert engine.path(await engine.finish("winding", "wes")) == ["one", "nap", "two"]
    assert await _states(engine, "winding") == ("COMPLETED", "COMPLETED")
    with pytest.raises(LifecycleError, match="cannot cancel journey 'winding': it is COMPLETED"):
        await engine.herald.journey_transition("winding", "cancel")


async def test_closing_a_paused_journey_lets_its_participants_finish(engine: Engine) -> None:
    """Closed means participants finish: held by the pause, they could never, as a CLOSED
    journey cannot be resumed. A day into its nap when paused, the participant waits the
    other day once closed."""
    await _series(engine, "shelved", "sid")
    await engine.herald.enter("shelved", "sid")
    await engine.waiting("shelved", "sid", on="nap")
    await engine.skip(timedelta(days=1))
    assert await engine.herald.journey_transition("shelved", "pause") == 1
    await eventually(
        lambda: engine.state("shelved", "sid"), lambda s: s is not None and s.paused, what="paused"
    )
    closed = await engine.herald.journey_control("shelved", "close")
    assert (closed.previous_state, closed.state, closed.signalled) == ("PAUSED", "CLOSED", 1)
    await engine.skip(timedelta(days=1, minutes=1))
    assert engine.path(await engine.finish("shelved", "sid")) == ["one", "nap", "two"]
    assert await _states(engine, "shelved") == ("COMPLETED", "COMPLETED")


async def test_a_journey_past_its_schedule_end_completes_when_no_one_is_left(
    engine: Engine,
) -> None:
    end = await engine.now() + timedelta(days=1)
    await _series(engine, "season", "sam", schedule={"end": end.isoformat()})
    await engine.herald.enter("season", "sam")
    await engine.waiting("season", "sam", on="nap")
    await engine.skip(timedelta(days=1, minutes=1))
    # Past the end, but Sam still waits: the journey is not over.
    assert await _states(engine, "season") == ("ACTIVE", "ACTIVE")
    await engine.skip(timedelta(days=1))
    await engine.finish("season", "sam")
    assert await _states(engine, "season") == ("COMPLETED", "COMPLETED")


DRAFT_REFUSAL = "journey 'later' is a DRAFT: activate it with `herald journeys activate later`"


async def test_a_draft_admits_no_one_until_activated(engine: Engine) -> None:
    await _series(engine, "later", "dee", state="DRAFT")
    assert await _states(engine, "later") == ("DRAFT", "DRAFT")
    assert (await engine.herald.enter("later", "dee")).refused == DRAFT_REFUSAL
    with pytest.raises(LifecycleError, match="cannot pause journey 'later': it is DRAFT; activate"):
        await engine.herald.journey_transition("later", "pause")
    activated = await engine.herald.journey_control("later", "activate")
    assert (activated.previous_state, activated.state) == ("DRAFT", "ACTIVE")
    assert (await engine.herald.enter("later", "dee")).refused is None
    await engine.waiting("later", "dee", on="nap")
    with pytest.raises(LifecycleError, match="cannot activate journey 'later': it is ACTIVE"):
        await engine.herald.journey_transition("later", "activate")


async def test_a_draft_refuses_event_entry_until_activated(engine: Engine) -> None:
    entry = {"entry": {"event": {"event_type": "signup"}}}
    doc = {**journey("onboard", "one", SERIES, **entry), "state": "DRAFT"}
    await engine.apply(endpoint("evie"), template("t1"), template("t2"), doc)
    await engine.herald.put_event(Event(id="e1", endpoint_id="evie", event_type="signup"))
    assert (await engine.herald.journey_status("onboard")).entered == 0
    await engine.herald.journey_transition("onboard", "activate")
    await engine.herald.put_event(Event(id="e2", endpoint_id="evie", event_type="signup"))
    await engine.waiting("onboard", "evie", on="nap")


async def test_a_draft_walks_its_segment_only_once_activated(engine: Engine) -> None:
    segment = {"kind": "Segment", "name": "pair", "endpoint_ids": ["g1", "g2"]}
    entry = {"entry": {"segment": {"segment": "pair"}}}
    doc = {**journey("walker", "one", SERIES, **entry), "state": "DRAFT"}
    await engine.apply(endpoint("g1"), endpoint("g2"), segment, template("t1"), template("t2"))
    [applied] = await engine.herald.apply([DEFINITION_ADAPTER.validate_python(doc)])
    assert (applied.state, applied.note) == (
        "DRAFT",
        "DRAFT: admits no one until `herald journeys activate walker`",
    )
    run = engine.env.client.get_workflow_handle(journey_run_workflow_id("walker"))
    with pytest.raises(RPCError) as missing:
        await run.describe()
    assert missing.value.status == RPCStatusCode.NOT_FOUND
    with pytest.raises(LifecycleError, match="'walker' is a DRAFT"):
        await engine.herald.start_journey("walker")
    activated = await engine.herald.journey_control("walker", "activate")
    assert activated.note == "segment entry running as journey-run:walker"
    sent = await eventually(
        lambda: engine.outbox("walker"), lambda m: len(m) == 2, what="both admitted"
    )
    assert sorted(m.endpoint_id for m in sent) == ["g1", "g2"]


async def test_applying_a_draft_without_its_state_activates_it(engine: Engine) -> None:
    await _series(engine, "edited", "eli", state="DRAFT")
    draft = {**journey("edited", "one", SERIES), "state": "DRAFT"}
    [again] = await engine.herald.apply([DEFINITION_ADAPTER.validate_python(draft)])
    assert (again.version, again.changed, again.state) == (1, False, "DRAFT")
    [live] = await engine.herald.apply(
        [DEFINITION_ADAPTER.validate_python(journey("edited", "one", SERIES))]
    )
    assert (live.version, live.changed, live.state, live.note) == (1, True, "ACTIVE", "activated")
    # Unchanged and still marked DRAFT: nothing to do, like any unchanged apply.
    [same] = await engine.herald.apply([DEFINITION_ADAPTER.validate_python(draft)])
    assert (same.version, same.changed, same.state) == (1, False, "ACTIVE")
    assert same.note == "ACTIVE: `state: DRAFT` only applies before a journey is activated"
    changed = {**draft, "description": "v2"}
    with pytest.raises(DefinitionError) as refused:
        await engine.herald.apply([DEFINITION_ADAPTER.validate_python(changed)])
    assert refused.value.problems == [
        "Journey 'edited': state: DRAFT, but the journey is ACTIVE; a journey cannot return "
        "to DRAFT: remove `state: DRAFT` to publish version 2"
    ]
    assert [j.version for j in await engine.herald.journey_list()] == [1]


async def test_migrate_moves_waiting_participants_to_the_new_version(engine: Engine) -> None:
    await _series(engine, "evolving", "mia")
    await engine.herald.enter("evolving", "mia")
    await engine.waiting("evolving", "mia", on="nap")
    v2 = {
        "one": {"type": "send", "template": "t1", "next": "pause"},
        "pause": {"type": "wait", "duration": "PT1H", "next": "two"},
        "two": {"type": "send", "template": "t2", "next": "three"},
        "three": {"type": "send", "template": "t2", "substitutions": {"x": "y"}},
    }
    await engine.apply(journey("evolving", "one", v2))
    with pytest.raises(LifecycleError, match=r"steps \['nap'\]"):
        await engine.herald.migrate("evolving", 2, {})
    assert await engine.herald.migrate("evolving", 2, {"nap": "pause"}) == 1
    await engine.migrated("evolving", "mia", 2)
    state = await engine.waiting("evolving", "mia", on="pause")
    assert state.version == 2
    await engine.skip(timedelta(hours=1, minutes=1))
    result = await engine.finish("evolving", "mia")
    assert result.version == 2
    assert engine.path(result) == ["one", "nap", "pause", "two", "three"]
    assert [m.step_id for m in await engine.outbox("evolving")] == ["one", "two", "three"]


async def test_re_entry_rules(engine: Engine) -> None:
    quick = {"hello": {"type": "send", "template": "t1"}}
    rules = {"re_entry": {"allowed": True, "max_entries": 2, "min_interval": "P1D"}}
    await engine.apply(endpoint("rex"), template("t1"), journey("again", "hello", quick, **rules))
    first = await engine.herald.enter("again", "rex")
    await engine.finish("again", "rex")
    too_soon = await engine.herald.enter("again", "rex")
    assert too_soon.refused is not None and "less than 1 day" in too_soon.refused
    await engine.skip(timedelta(days=1, minutes=1))
    second = await engine.herald.enter("again", "rex")
    assert second.refused is None, second
    assert second.workflow_id == "journey:again:rex:2"
    await engine.finish("again", "rex", n=2)
    await engine.skip(timedelta(days=1, minutes=1))
    third = await engine.herald.enter("again", "rex")
    assert third.refused == "entered 2 times, the re-entry cap"
    assert first.workflow_id == "journey:again:rex"
    assert len(await engine.outbox("again")) == 2


async def test_state_of_a_participant_that_re_entered_is_its_latest_entry(engine: Engine) -> None:
    steps = {
        "hello": {"type": "send", "template": "t1", "next": "nap"},
        "nap": {"type": "wait", "duration": "P2D", "next": "bye"},
        "bye": {"type": "send", "template": "t1"},
    }
    rules = {"re_entry": {"allowed": True}}
    await engine.apply(endpoint("rex"), template("t1"), journey("twice", "hello", steps, **rules))
    await engine.herald.enter("twice", "rex")
    await engine.skip(timedelta(days=3))
    await engine.finish("twice", "rex")
    await engine.herald.enter("twice", "rex")
    latest = await engine.waiting("twice", "rex", on="nap")
    assert [v.step_id for v in latest.visits] == ["hello", "nap"]
    first = await engine.herald.journey_state("twice", "rex", entry_n=1)
    assert first is not None and first.finished
    assert [v.step_id for v in first.visits] == ["hello", "nap", "bye"]
    await engine.skip(timedelta(days=3))
    await engine.finish("twice", "rex", n=2)


async def test_status_counts_participants_a_cancel_stopped_as_cancelled(engine: Engine) -> None:
    await engine.apply(
        endpoint("cal"), endpoint("cid"), template("t1"), template("t2"),
        journey("tallied", "one", SERIES),
    )  # fmt: skip
    await engine.herald.enter("tallied", "cal")
    await engine.waiting("tallied", "cal", on="nap")
    await engine.skip(timedelta(days=2, minutes=1))
    await engine.finish("tallied", "cal")
    await engine.herald.enter("tallied", "cid")
    await engine.waiting("tallied", "cid", on="nap")
    await engine.herald.journey_transition("tallied", "cancel")
    await engine.finish("tallied", "cid")
    status = await engine.herald.journey_status("tallied")
    assert status.outcomes == {"completed at two": 1, "cancelled at nap": 1}, status
