"""An entry racing a state change: a pause or cancel that comes after a participant was
admitted, but before it was recorded where the change looks for participants, still
reaches it."""

from __future__ import annotations

from datetime import timedelta

from herald.journeys import entry
from herald.store.journeys import get_journey
from tests.helpers import eventually
from tests.workflows.engine import SERIES, Engine, endpoint, journey, template


async def _admitted_then(engine: Engine, name: str, action: str) -> None:
    """Admit `rae` (the journey's state read while ACTIVE), let `action` happen, then start
    and record the participant, as an entry slower than the state change would."""
    await engine.apply(
        endpoint("rae"), template("t1"), template("t2"), journey(name, "one", SERIES)
    )
    database = engine.herald.database
    async with database.session() as session:
        published = await get_journey(session, name)
        facts = await entry.entry_facts(session, name, "rae")
    assert published is not None and facts.state == "ACTIVE"
    assert await engine.herald.journey_transition(name, action) == 0, "no one recorded yet"
    entered = await entry.enter(
        await engine.herald.temporal(),
        database,
        published,
        "rae",
        task_queue=engine.herald.settings.task_queue,
        now=await engine.now(),
        facts=facts,
    )
    assert entered.refused is None, entered


async def test_a_pause_during_an_entry_holds_the_new_participant(engine: Engine) -> None:
    await _admitted_then(engine, "pausing", "pause")
    held = await eventually(
        lambda: engine.state("pausing", "rae"),
        lambda s: s is not None and s.paused,
        what="the participant held by the pause",
    )
    assert held is not None and held.current_step in ("one", "nap"), held
    await engine.skip(timedelta(days=3))
    state = await engine.state("pausing", "rae")
    assert state is not None and not state.finished, "the paused participant went on"
    await engine.herald.journey_transition("pausing", "resume")
    await engine.skip(timedelta(days=2, minutes=1))
    assert engine.path(await engine.finish("pausing", "rae")) == ["one", "nap", "two"]


async def test_a_cancel_during_an_entry_stops_the_new_participant(engine: Engine) -> None:
    await _admitted_then(engine, "cancelling", "cancel")
    result = await engine.finish("cancelling", "rae")
    assert result.exit_reason == "cancelled: journey cancelling cancelled", result
