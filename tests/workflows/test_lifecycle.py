"""Journey lifecycle end to end: pause stops the clock, resume, cancel, close, migrate,
and the re-entry rules."""

from __future__ import annotations

from datetime import timedelta

import pytest

from herald.journeys.lifecycle import LifecycleError
from tests.workflows.engine import Engine, endpoint, journey, template

SERIES = {
    "one": {"type": "send", "template": "t1", "next": "nap"},
    "nap": {"type": "wait", "duration": "P2D", "next": "two"},
    "two": {"type": "send", "template": "t2"},
}


async def _series(engine: Engine, name: str, *people: str, **settings: object) -> None:
    await engine.apply(
        *(endpoint(p) for p in people),
        template("t1"),
        template("t2"),
        journey(name, "one", SERIES, **settings),
    )


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
    await engine.skip(timedelta(days=2, minutes=1))
    assert engine.path(await engine.finish("closing", "cleo")) == ["one", "nap", "two"]
    with pytest.raises(LifecycleError, match="cannot resume journey 'closing': it is CLOSED"):
        await engine.herald.journey_transition("closing", "resume")


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
