"""A participant migrated during a wait keeps the time it has waited: the mapped wait's
duration (or timeout) counts from when it began waiting, pauses left out, instead of
starting over."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from herald.models.journey_run import (
    HERALD_WAITING_FOR,
    JOURNEY_WORKFLOW,
    RESUME_SIGNAL,
    Carried,
    JourneyInput,
)
from herald.store.journeys import get_journey
from tests.helpers import eventually
from tests.workflows.engine import SERIES, Engine, close_to, endpoint, journey, template

# Version 2: the same steps, a 30-hour nap.
NAP_30H = {**SERIES, "nap": {**SERIES["nap"], "duration": "PT30H"}}
# Version 2 as a wait for an event with a 30-hour timeout, at a step of another name.
EVENT_30H = {
    "one": {**SERIES["one"], "next": "watch"},
    "watch": {
        "type": "wait_for_event",
        "event_type": "purchase",
        "timeout": "PT30H",
        "on_event": "two",
        "on_timeout": "two",
    },
    "two": SERIES["two"],
}


async def _waiting_a_while(engine: Engine, name: str, waited: timedelta) -> datetime:
    """Enter `name` (v1, SERIES) and wait `waited` into its nap; when the nap began."""
    await engine.apply(
        endpoint("mia"), template("t1"), template("t2"), journey(name, "one", SERIES)
    )
    await engine.herald.enter(name, "mia")
    napping = await engine.waiting(name, "mia", on="nap")
    assert napping.waiting_until is not None
    await engine.skip(waited)
    return napping.waiting_until - timedelta(days=2)


async def test_the_time_waited_counts_toward_the_new_wait(engine: Engine) -> None:
    began = await _waiting_a_while(engine, "patient", timedelta(days=1))
    await engine.apply(journey("patient", "one", NAP_30H))
    assert await engine.herald.migrate("patient", 2, {}) == 1
    await engine.migrated("patient", "mia", 2)
    moved = await engine.waiting("patient", "mia", on="nap")
    assert close_to(moved.waiting_until, began + timedelta(hours=30)), (began, moved)
    await engine.skip(timedelta(hours=6, minutes=1))
    result = await engine.finish("patient", "mia")
    assert engine.path(result) == ["one", "nap", "nap", "two"]


async def test_a_wait_already_served_ends_at_once_and_a_timeout_counts_too(
    engine: Engine,
) -> None:
    """31 hours into its two-day nap, moved to a wait for an event with a 30-hour timeout
    (a step of another type and name), the participant times out at once."""
    await _waiting_a_while(engine, "overdue", timedelta(hours=31))
    await engine.apply(journey("overdue", "one", EVENT_30H))
    assert await engine.herald.migrate("overdue", 2, {"nap": "watch"}) == 1
    result = await engine.finish("overdue", "mia")
    assert result.version == 2
    assert engine.path(result) == ["one", "nap", "watch", "two"]
    assert [v.outcome for v in result.visits][-2] == "timed out"


async def test_time_paused_is_not_counted_as_waited(engine: Engine) -> None:
    """12 hours into the nap, paused for two days, migrated while paused: 12 hours count,
    so after the resume 18 hours of the 30-hour nap remain."""
    await _waiting_a_while(engine, "dozing", timedelta(hours=12))
    await engine.herald.journey_transition("dozing", "pause")
    await eventually(
        lambda: engine.state("dozing", "mia"), lambda s: s is not None and s.paused, what="paused"
    )
    await engine.skip(timedelta(days=2))
    await engine.apply(journey("dozing", "one", NAP_30H))
    assert await engine.herald.migrate("dozing", 2, {}) == 1
    await engine.migrated("dozing", "mia", 2)
    # Read from the search attribute, as the Temporal UI shows it (see Engine.migrated).
    await eventually(
        lambda: engine.handle("dozing", "mia").describe(),
        lambda d: d.typed_search_attributes.get(HERALD_WAITING_FOR) == "paused",
        what="the moved participant held by the journey's pause",
    )
    await engine.herald.journey_transition("dozing", "resume")
    resumed = await eventually(
        lambda: engine.state("dozing", "mia"),
        lambda s: s is not None and s.version == 2 and not s.paused and s.waiting_until is not None,
        what="the resumed wait on version 2",
    )
    assert resumed is not None
    assert close_to(resumed.waiting_until, await engine.now() + timedelta(hours=18)), resumed


async def test_a_resume_that_reaches_the_new_run_first_is_not_undone(
    own_server_engine: Engine,
) -> None:
    """Pause, migrate, resume in a quick script: the resume can reach the new run before its
    first task. The pause it carried is then already over; it must not hold it again.
    Played with signal-with-start; on the shared time-skipping server that left the tests
    after it unable to skip time ("Timeout expired"), hence a server of its own."""
    engine = own_server_engine
    await engine.apply(
        endpoint("mia"), template("t1"), template("t2"), journey("brisk", "one", SERIES)
    )
    async with engine.herald.database.session() as session:
        v1 = await get_journey(session, "brisk")
    assert v1 is not None
    now = await engine.now()
    moved = JourneyInput(
        journey=v1.journey,
        version=1,
        participant_id="mia",
        start_at="nap",
        carried=Carried(entered_at=now, paused=True),
    )
    await engine.env.client.start_workflow(
        JOURNEY_WORKFLOW,
        moved,
        id="journey:brisk:mia",
        task_queue=engine.herald.settings.task_queue,
        start_signal=RESUME_SIGNAL,
    )
    going = await eventually(
        lambda: engine.state("brisk", "mia"),
        lambda s: s is not None and s.waiting_until is not None,
        what="the participant waiting on its timer",
    )
    assert going is not None and not going.paused, going


def _checked(evaluation_wait: str) -> dict[str, Any]:
    return {
        "check": {
            "type": "split",
            "conditions": [{"kind": "attribute", "name": "Plan", "values": ["pro"]}],
            "evaluation_wait": evaluation_wait,
            "yes": "y",
            "no": "n",
        },
        "y": {"type": "exit"},
        "n": {"type": "exit"},
    }


async def test_a_split_evaluation_wait_keeps_the_time_waited(engine: Engine) -> None:
    await engine.apply(endpoint("evan"), journey("checked", "check", _checked("P2D")))
    await engine.herald.enter("checked", "evan")
    waiting = await engine.waiting("checked", "evan", on="check")
    assert waiting.waiting_until is not None
    began = waiting.waiting_until - timedelta(days=2)
    await engine.skip(timedelta(days=1))
    await engine.apply(journey("checked", "check", _checked("PT30H")))
    assert await engine.herald.migrate("checked", 2, {}) == 1
    await engine.migrated("checked", "evan", 2)
    moved = await engine.waiting("checked", "evan", on="check")
    assert close_to(moved.waiting_until, began + timedelta(hours=30)), (began, moved)
