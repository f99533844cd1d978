"""What a pause does to a deadline: a duration or timeout waits what was left of it after
the resume (test_lifecycle), but a fixed time (a date, the end of quiet time) stays where it
was, and a resume after it goes on at once."""

from __future__ import annotations

from datetime import timedelta

from tests.helpers import eventually
from tests.workflows.engine import Engine, close_to, endpoint, journey, quiet_around, template


async def _pause(engine: Engine, name: str, person: str) -> None:
    assert await engine.herald.journey_transition(name, "pause") == 1
    await eventually(
        lambda: engine.state(name, person), lambda s: s is not None and s.paused, what="paused"
    )


async def test_a_fixed_time_stays_put_and_a_resume_after_it_goes_on(engine: Engine) -> None:
    until = await engine.now() + timedelta(days=1)
    steps = {
        "one": {"type": "send", "template": "t1", "next": "nap"},
        "nap": {"type": "wait", "until": until.isoformat(), "next": "two"},
        "two": {"type": "send", "template": "t2"},
    }
    await engine.apply(
        endpoint("ute"), template("t1"), template("t2"), journey("dated", "one", steps)
    )
    await engine.herald.enter("dated", "ute")
    await engine.waiting("dated", "ute", on="nap")
    await engine.skip(timedelta(hours=12))
    await _pause(engine, "dated", "ute")
    await engine.skip(timedelta(hours=1))
    await engine.herald.journey_transition("dated", "resume")
    resumed = await eventually(
        lambda: engine.state("dated", "ute"),
        lambda s: s is not None and not s.paused and s.waiting_until is not None,
        what="ute waiting again",
    )
    assert resumed is not None and close_to(resumed.waiting_until, until), resumed
    await _pause(engine, "dated", "ute")
    await engine.skip(timedelta(days=1))  # past `until`, paused
    await engine.herald.journey_transition("dated", "resume")
    done = await eventually(
        lambda: engine.state("dated", "ute"),
        lambda s: s is not None and s.finished,
        what="ute going on at once after the resume, `until` being past",
    )
    assert done is not None and [v.step_id for v in done.visits] == ["one", "nap", "two"]


async def test_quiet_time_ends_when_it_ends_however_long_a_pause(engine: Engine) -> None:
    now = await engine.now()
    quiet = quiet_around(now)
    hello = {"hello": {"type": "send", "template": "t1"}}
    await engine.apply(
        endpoint("quinn", Demographic={"Timezone": "UTC"}), template("t1"),
        journey("hushed", "hello", hello, quiet_time=quiet),
    )  # fmt: skip
    await engine.herald.enter("hushed", "quinn")
    held = await engine.waiting("hushed", "quinn", on="hello")
    assert held.waiting_for == "quiet_time"
    await _pause(engine, "hushed", "quinn")
    await engine.skip(timedelta(hours=3))  # quiet time is over, still paused
    assert await engine.outbox("hushed") == []
    await engine.herald.journey_transition("hushed", "resume")
    sent = await eventually(
        lambda: engine.outbox("hushed"), bool, what="the message sent at the resume"
    )
    assert [m.step_id for m in sent] == ["hello"]
