"""Journey progress rides with the sends: the metrics still follow each participant step by
step, and a send-wait-send participant runs no local activity besides its two sends."""

from __future__ import annotations

from datetime import timedelta

from temporalio.api.enums.v1 import EventType

from herald.metrics import JourneyMetrics
from tests.workflows.engine import Engine, endpoint, journey, template

SEND_WAIT_SEND = {
    "one": {"type": "send", "channel": "EMAIL", "template": "hi", "next": "nap"},
    "nap": {"type": "wait", "duration": "P1D", "next": "two"},
    "two": {"type": "send", "channel": "EMAIL", "template": "hi"},
}


def _by_step(metrics: JourneyMetrics) -> dict[str, tuple[int, int]]:
    """step -> (reached, here now)"""
    return {s.step_id: (s.reached, s.here_now) for s in metrics.steps}


async def test_a_participant_is_counted_at_each_step_and_at_its_exit(engine: Engine) -> None:
    await engine.apply(template("hi"), endpoint("ann"), journey("lean", "one", SEND_WAIT_SEND))
    await engine.herald.enter("lean", "ann")
    await engine.waiting("lean", "ann", on="nap")
    waiting = await engine.herald.journey_metrics("lean")
    assert _by_step(waiting) == {"one": (1, 0), "nap": (1, 1), "two": (0, 0)}
    assert (waiting.active, waiting.completed) == (1, 0)

    await engine.skip(timedelta(days=1, minutes=1))
    await engine.finish("lean", "ann")
    done = await engine.herald.journey_metrics("lean")
    assert _by_step(done) == {"one": (1, 0), "nap": (1, 0), "two": (1, 0)}
    assert (done.active, done.completed, done.exited) == (0, 1, {"completed": 1})

    history = await engine.handle("lean", "ann").fetch_history()
    local_activities = [
        e.marker_recorded_event_attributes.marker_name
        for e in history.events
        if e.event_type == EventType.EVENT_TYPE_MARKER_RECORDED
        and e.marker_recorded_event_attributes.marker_name == "core_local_activity"
    ]
    assert len(local_activities) == 2, "the progress reports travel with the two sends"
