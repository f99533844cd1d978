"""Journey versions end to end: a participant stays on the version it entered, a migration
moves it at a mapped step, and a mapping that could lose anyone is refused."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from temporalio.client import WorkflowFailureError

from herald.journeys.lifecycle import LifecycleError
from herald.models.journey_run import (
    HERALD_JOURNEY_VERSION,
    JOURNEY_WORKFLOW,
    MIGRATE_SIGNAL,
    JourneyInput,
    MigrateSignal,
)
from herald.store.journeys import get_journey
from tests.helpers import eventually
from tests.loopback_http import Loopback, loopback_server
from tests.workflows.engine import SERIES, Engine, endpoint, journey, template

# Version 2 of SERIES renames the wait and sends another template at `two`.
SERIES_V2 = {
    "one": {"type": "send", "template": "t1", "next": "pause"},
    "pause": {"type": "wait", "duration": "PT1H", "next": "two"},
    "two": {"type": "send", "template": "t3"},
}


async def _series(engine: Engine, name: str, person: str) -> None:
    await engine.apply(
        endpoint(person),
        template("t1"),
        template("t2"),
        template("t3"),
        journey(name, "one", SERIES),
    )


async def _version(engine: Engine, name: str) -> int | None:
    described = await engine.handle(name, "mia").describe()
    return described.typed_search_attributes.get(HERALD_JOURNEY_VERSION)


async def test_publishing_leaves_a_waiting_participant_on_its_version(engine: Engine) -> None:
    await _series(engine, "steady", "sam")
    await engine.herald.enter("steady", "sam")
    await engine.waiting("steady", "sam", on="nap")
    await engine.apply(journey("steady", "one", SERIES_V2))
    await engine.skip(timedelta(days=2, minutes=1))
    result = await engine.finish("steady", "sam")
    assert result.version == 1
    assert engine.path(result) == ["one", "nap", "two"]
    subjects = [m.content.subject for m in await engine.outbox("steady")]
    assert subjects == ["t1", "t2"], "the participant took version 2's template"


async def test_migration_refuses_a_step_a_participant_could_move_on_to(engine: Engine) -> None:
    """The participant is busy at `call` when migrated; it notices the migration at `nap`,
    which version 2 lacks: the mapping must cover `nap` though nobody is there yet."""
    with loopback_server() as server:
        server.gate.clear()
        try:
            await _race(engine, server)
        finally:
            server.gate.set()
        await engine.migrated("racing", "mia", 2)
        await engine.waiting("racing", "mia", on="pause")
    await engine.skip(timedelta(hours=1, minutes=1))
    result = await engine.finish("racing", "mia")
    assert result.version == 2
    assert engine.path(result) == ["call", "nap", "pause", "two"]
    assert await _version(engine, "racing") == 2, "HeraldJourneyVersion still names version 1"


async def _race(engine: Engine, server: Loopback) -> None:
    """Enter, hold the participant in its webhook call, publish v2 and migrate."""
    call = {"type": "webhook", "url": f"{server.url}/hold", "timeout": "PT30S", "next": "nap"}
    v1 = {**SERIES, "call": call}
    del v1["one"]
    await engine.apply(
        endpoint("mia"), template("t2"), template("t3"), journey("racing", "call", v1)
    )
    await engine.herald.enter("racing", "mia")
    await eventually(lambda: _calls(server), bool, what="the webhook call")
    v2 = {**SERIES_V2, "call": {**call, "next": "pause"}}
    del v2["one"]
    await engine.apply(journey("racing", "call", v2))
    with pytest.raises(LifecycleError) as refused:
        await engine.herald.migrate("racing", 2, {})
    message = str(refused.value)
    assert "['nap']" in message and "call, pause, two" in message, message
    with pytest.raises(LifecycleError, match="--map targets not in version 2"):
        await engine.herald.migrate("racing", 2, {"nap": "nope"})
    with pytest.raises(LifecycleError, match=r"--map OLD steps \['npa'\] are no step of"):
        await engine.herald.migrate("racing", 2, {"nap": "pause", "npa": "pause"})
    assert await engine.herald.migrate("racing", 2, {"nap": "pause"}) == 1


async def _calls(server: Loopback) -> int:
    return len(server.requests)


async def test_a_migration_to_a_missing_step_keeps_the_participant(engine: Engine) -> None:
    """A migrate signal whose step the target lacks (from a client that does not check the
    mapping) leaves the participant where it was, on its version, and says why."""
    await _series(engine, "kept", "mia")
    await engine.herald.enter("kept", "mia")
    before = await engine.waiting("kept", "mia", on="nap")
    await engine.apply(journey("kept", "one", SERIES_V2))
    await _signal_migration(engine, "kept", 2)
    kept = await eventually(
        lambda: engine.state("kept", "mia"),
        lambda s: s is not None and s.migration_refused is not None,
        what="the refused migration",
    )
    assert kept is not None and kept.migration_refused is not None
    assert "'nap'" in kept.migration_refused and "version 2" in kept.migration_refused
    assert (kept.version, kept.current_step) == (1, "nap")
    assert kept.waiting_until == before.waiting_until, "the refused migration restarted the wait"
    await engine.skip(timedelta(days=2, minutes=1))
    result = await engine.finish("kept", "mia")
    assert (result.version, engine.path(result)) == (1, ["one", "nap", "two"])
    assert await _version(engine, "kept") == 1


async def test_a_refused_migration_leaves_a_paused_participant_paused(engine: Engine) -> None:
    """Paused before `two`, which the target lacks: the refused migration must not let the
    participant go on to send while its journey is paused."""
    with loopback_server() as server:
        server.gate.clear()
        try:
            call = {"type": "webhook", "url": f"{server.url}/hold", "timeout": "PT30S"}
            v1 = {"call": {**call, "next": "two"}, "two": SERIES["two"]}
            await engine.apply(
                endpoint("mia"), template("t2"), template("t3"), journey("held", "call", v1)
            )
            await engine.herald.enter("held", "mia")
            await eventually(lambda: _calls(server), bool, what="the webhook call")
            await engine.herald.journey_transition("held", "pause")
            v2 = {"call": {**call, "next": "other"}, "other": SERIES_V2["two"]}
            await engine.apply(journey("held", "call", v2))
            await _signal_migration(engine, "held", 2)
        finally:
            server.gate.set()
        held = await eventually(
            lambda: engine.state("held", "mia"),
            lambda s: s is not None and s.current_step == "two" and s.migration_refused is not None,
            what="the refused migration",
        )
    assert held is not None and held.paused, held
    assert await engine.outbox("held") == [], "a paused participant sent"
    await engine.herald.journey_transition("held", "resume")
    result = await engine.finish("held", "mia")
    assert (result.version, engine.path(result)) == (1, ["call", "two"])
    assert [m.content.subject for m in await engine.outbox("held")] == ["t2"]


async def _signal_migration(engine: Engine, name: str, version: int) -> None:
    """Signal a migration as a client without the step check would: no mapping at all."""
    async with engine.herald.database.session() as session:
        target = await get_journey(session, name, version)
    assert target is not None
    signal = MigrateSignal(journey=target.journey, version=version, step_map={})
    await engine.handle(name, "mia").signal(MIGRATE_SIGNAL, signal)


async def test_a_run_started_at_a_missing_step_fails_instead_of_retrying(engine: Engine) -> None:
    """What a migration before the step check could leave behind: a run on version 2 told to
    start at `nap`, which version 2 lacks. It fails, naming the step, rather than retrying."""
    await _series(engine, "stranded", "mia")
    await engine.apply(journey("stranded", "one", SERIES_V2))
    async with engine.herald.database.session() as session:
        v2 = await get_journey(session, "stranded", 2)
    assert v2 is not None
    stranded = JourneyInput(journey=v2.journey, version=2, participant_id="mia", start_at="nap")
    handle = await engine.env.client.start_workflow(
        JOURNEY_WORKFLOW,
        stranded,
        id="journey:stranded:mia",
        task_queue=engine.herald.settings.task_queue,
    )
    with pytest.raises(WorkflowFailureError) as failed:
        await asyncio.wait_for(handle.result(), timeout=20)
    assert "version 2 has no step 'nap'" in str(failed.value.cause)


async def test_migration_checks_every_version_someone_is_on(engine: Engine) -> None:
    """Participants on versions 1 and 2 move to 3 once version 1's `nap` is mapped; one who
    finished on version 1 does not hold up a later migration."""
    await engine.apply(endpoint("fin"), endpoint("ana"), endpoint("bo"))
    await _series(engine, "layered", "mia")
    await engine.herald.enter("layered", "fin")
    await engine.skip(timedelta(days=2, minutes=1))
    assert (await engine.finish("layered", "fin")).version == 1
    await engine.herald.enter("layered", "ana")
    await engine.waiting("layered", "ana", on="nap")
    await engine.apply(journey("layered", "one", SERIES_V2))
    await engine.herald.enter("layered", "bo")
    await engine.waiting("layered", "bo", on="pause")
    three = {**SERIES_V2, "two": {**SERIES_V2["two"], "next": "three"}, "three": SERIES["two"]}
    await engine.apply(journey("layered", "one", three))
    with pytest.raises(LifecycleError, match=r"on version 1 could be at steps \['nap'\]"):
        await engine.herald.migrate("layered", 3, {})
    assert await engine.herald.migrate("layered", 3, {"nap": "pause"}) == 2
    for person in ("ana", "bo"):
        await engine.migrated("layered", person, 3)
        assert (await engine.waiting("layered", person, on="pause")).version == 3
    await engine.apply(journey("layered", "one", {**three, "three": SERIES_V2["two"]}))
    assert await engine.herald.migrate("layered", 4, {}) == 2, "fin's version 1 was checked"
    for person in ("ana", "bo"):
        await _waiting_on_version(engine, "layered", person, 4)
    await engine.skip(timedelta(hours=1, minutes=1))
    for person in ("ana", "bo"):
        result = await engine.finish("layered", person)
        assert (result.version, engine.path(result)[-2:]) == (4, ["two", "three"])
    sent = [(m.endpoint_id, m.step_id, m.content.subject) for m in await engine.outbox("layered")]
    assert ("ana", "three", "t3") in sent and ("bo", "three", "t3") in sent, sent


async def _waiting_on_version(engine: Engine, name: str, person: str, version: int) -> None:
    await engine.migrated(name, person, version)
    await eventually(
        lambda: engine.state(name, person),
        lambda s: s is not None and s.version == version and s.waiting_until is not None,
        what=f"{person} waiting on version {version}",
    )
