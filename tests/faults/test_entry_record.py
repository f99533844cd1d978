"""A process that dies between starting a participant and recording its entry: the retried
entry records it, so status and cancel reach a participant that is already running."""

from __future__ import annotations

from sqlalchemy import delete

from herald.store.tables import JourneyEntryRow
from tests.workflows.engine import Engine, endpoint, journey, template

STEPS = {
    "hello": {"type": "send", "template": "hi", "next": "nap"},
    "nap": {"type": "wait", "duration": "P1D", "next": "bye"},
    "bye": {"type": "exit"},
}


async def test_a_retried_entry_records_a_participant_started_before_a_crash(
    engine: Engine,
) -> None:
    await engine.apply(endpoint("ann"), template("hi"), journey("crashy", "hello", STEPS))
    first = await engine.herald.enter("crashy", "ann")
    await engine.waiting("crashy", "ann", on="nap")
    # The crash: the workflow was started, the entry never written.
    async with engine.herald.database.session() as session:
        await session.execute(delete(JourneyEntryRow))
    assert (await engine.herald.journey_status("crashy")).entered == 0

    again = await engine.herald.enter("crashy", "ann")

    assert (again.refused, again.workflow_id) == ("already entered", first.workflow_id)
    status = await engine.herald.journey_status("crashy")
    assert (status.entered, status.at_step) == (1, {"nap": 1})
    assert await engine.herald.journey_transition("crashy", "cancel") == 1
    assert len(await engine.outbox("crashy")) == 1
