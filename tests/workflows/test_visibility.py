"""What the Temporal UI and the `state` query show of a participant mid-journey: the
`HeraldWaitingFor` search attribute for each kind of wait, and the path so far."""

from __future__ import annotations

from datetime import timedelta

from temporalio.testing import WorkflowEnvironment

from herald.client import HeraldClient
from herald.models import Event
from herald.models.journey_run import HERALD_STEP, HERALD_WAITING_FOR
from herald.settings import Settings
from herald.store import Database
from tests.helpers import eventually
from tests.workflows.engine import Engine, endpoint, journey, template
from worker import build_worker


async def shown(engine: Engine, name: str, who: str) -> tuple[str | None, str | None]:
    """(HeraldStep, HeraldWaitingFor) as describe() (and the UI's filters) see them."""
    attributes = (await engine.handle(name, who).describe()).typed_search_attributes
    return attributes.get(HERALD_STEP), attributes.get(HERALD_WAITING_FOR)


async def shows(engine: Engine, name: str, who: str, expected: tuple[str, str | None]) -> None:
    await eventually(
        lambda: shown(engine, name, who), lambda s: s == expected, what=f"{name} {expected}"
    )


async def test_waiting_for_an_event(engine: Engine) -> None:
    steps = {
        "buy": {"type": "wait_for_event", "event_type": "purchase", "timeout": "P1D"},
    }
    await engine.apply(endpoint("v-ev"), journey("v-event", "buy", steps))
    await engine.herald.enter("v-event", "v-ev")
    await engine.waiting("v-event", "v-ev", on="buy")
    await shows(engine, "v-event", "v-ev", ("buy", "event"))


async def test_waiting_for_a_reply(engine: Engine) -> None:
    steps = {
        "ask": {"type": "send", "channel": "SMS", "template": "ask", "next": "answer"},
        "answer": {
            "type": "wait_for_reply",
            "after_step": "ask",
            "branches": [{"keywords": ["Y"]}],
            "timeout": "P1D",
        },
    }
    await engine.apply(
        endpoint("v-rp", ChannelType="SMS", Address="+15555550177"),
        template("ask", "SMS"),
        journey("v-reply", "ask", steps),
    )
    await engine.herald.enter("v-reply", "v-rp")
    await engine.waiting("v-reply", "v-rp", on="answer")
    await shows(engine, "v-reply", "v-rp", ("answer", "reply"))


async def test_held_by_quiet_time(engine: Engine) -> None:
    # Quiet from an hour ago to an hour from now on the test server's clock, in UTC.
    now = await engine.now()
    quiet = {
        "start": (now - timedelta(hours=1)).strftime("%H:%M"),
        "end": (now + timedelta(hours=1)).strftime("%H:%M"),
    }
    steps = {"hello": {"type": "send", "template": "t"}}
    await engine.apply(
        endpoint("v-qt", Demographic={"Timezone": "UTC"}),
        template("t"),
        journey("v-quiet", "hello", steps, quiet_time=quiet),
    )
    await engine.herald.enter("v-quiet", "v-qt")
    await engine.waiting("v-quiet", "v-qt", on="hello")
    await shows(engine, "v-quiet", "v-qt", ("hello", "quiet_time"))
    assert await engine.outbox("v-quiet") == []


async def test_paused_then_resumed_and_the_path_so_far(engine: Engine) -> None:
    steps = {
        "hello": {"type": "send", "template": "t", "next": "nap"},
        "nap": {"type": "wait", "duration": "PT2H", "next": "bye"},
        "bye": {"type": "send", "template": "t"},
    }
    await engine.apply(endpoint("v-pz"), template("t"), journey("v-pause", "hello", steps))
    await engine.herald.enter("v-pause", "v-pz")
    state = await engine.waiting("v-pause", "v-pz", on="nap")
    assert [(v.step_id, v.type, v.outcome) for v in state.visits] == [
        ("hello", "send", "sent"),
        ("nap", "wait", None),
    ]
    assert state.message_keys.keys() == {"hello"}
    await shows(engine, "v-pause", "v-pz", ("nap", "timer"))

    await engine.herald.journey_transition("v-pause", "pause")
    await shows(engine, "v-pause", "v-pz", ("nap", "paused"))
    paused = await eventually(
        lambda: engine.state("v-pause", "v-pz"), lambda s: s is not None and s.paused
    )
    assert paused is not None and [v.step_id for v in paused.visits] == ["hello", "nap"]

    await engine.herald.journey_transition("v-pause", "resume")
    await shows(engine, "v-pause", "v-pz", ("nap", "timer"))
    await engine.skip(timedelta(hours=2, minutes=1))
    result = await engine.finish("v-pause", "v-pz")
    assert engine.path(result) == ["hello", "nap", "bye"]
    assert (await shown(engine, "v-pause", "v-pz"))[1] is None, "no longer waiting"


async def test_paused_between_steps_is_no_longer_shown_paused_once_resumed(
    time_skipping_env: WorkflowEnvironment, sqlite_database: Database, task_queue: str
) -> None:
    """The event and the pause reach the participant in one workflow task (no worker runs
    while both are sent): the wait ends, and the pause holds it before its next step."""
    env = time_skipping_env
    settings = Settings(database_url=sqlite_database.url, task_queue=task_queue)
    herald = HeraldClient(settings, sqlite_database, env.client, clock=env.get_current_time)
    engine = Engine(env, herald)
    steps = {
        "go": {"type": "wait_for_event", "event_type": "go", "timeout": "P1D", "on_event": "hi"},
        "hi": {"type": "send", "template": "t"},
    }
    await engine.apply(endpoint("v-bt"), template("t"), journey("v-between", "go", steps))
    # No cache: the server does not keep the next task for this worker's sticky queue.
    async with build_worker(
        env.client, task_queue=task_queue, database=sqlite_database, max_cached_workflows=0
    ):
        await herald.enter("v-between", "v-bt")
        await engine.waiting("v-between", "v-bt", on="go")
        await shows(engine, "v-between", "v-bt", ("go", "event"))
    await herald.put_event(Event(endpoint_id="v-bt", event_type="go"))
    await herald.journey_transition("v-between", "pause")
    async with build_worker(env.client, task_queue=task_queue, database=sqlite_database):
        await shows(engine, "v-between", "v-bt", ("hi", "paused"))
        assert await engine.outbox("v-between") == []
        await herald.journey_transition("v-between", "resume")
        result = await engine.finish("v-between", "v-bt")
    assert engine.path(result) == ["go", "hi"]
    assert await shown(engine, "v-between", "v-bt") == ("hi", None), "finished, not paused"
