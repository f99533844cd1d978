"""Recording the held-participant histories (`python -m tests.replay.record NAME
held-event|held-reply-migrated|migrated-back`): a participant held at a step, by a pause or a
pending migration, while a webhook call it is busy with is kept from answering."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from temporalio.testing import WorkflowEnvironment

from herald.client import HeraldClient
from herald.inbound.models import InboundMessage
from herald.models import DEFINITION_ADAPTER, Event
from herald.models.journey_run import (
    HERALD_JOURNEY_VERSION,
    MIGRATE_SIGNAL,
    MigrateSignal,
)
from herald.store import Database
from tests.helpers import eventually
from tests.replay.record import HISTORIES, recording_herald
from tests.workflows.engine import endpoint, journey, template

HELD_NUMBER = "+15555550161"


def _held_steps(scenario: str, url: str, timeout: str = "P1D") -> dict[str, Any]:
    """A webhook call (its answer held back while the journey is paused or migrated), then a
    wait for an event, a wait for the reply to an SMS question, or a nap of `timeout`."""
    call = {"type": "webhook", "url": f"{url}/hook", "timeout": "PT30S"}
    if scenario == "held-event":
        watch = {"type": "wait_for_event", "event_type": "purchase", "timeout": timeout}
        routes = {"on_event": "bought", "on_timeout": "remind"}
        return {
            "call": {**call, "next": "watch"},
            "watch": watch | routes,
            **_exits("bought", "remind"),
        }
    if scenario == "held-reply-migrated":
        yes = [{"keywords": ["YES"], "next": "glad"}]
        answer = {"type": "wait_for_reply", "after_step": "ask", "branches": yes}
        ask = {"type": "send", "channel": "SMS", "template": "ask", "next": "call"}
        timed = {"timeout": timeout, "on_timeout": "nudge"}
        return {
            "ask": ask,
            "call": {**call, "next": "answer"},
            "answer": answer | timed,
            **_exits("glad", "nudge"),
        }
    nap = {"type": "wait", "duration": timeout, "next": "bye"}
    return {"call": {**call, "next": "nap"}, "nap": nap, **_exits("bye")}


def _exits(*names: str) -> dict[str, Any]:
    return {name: {"type": "exit"} for name in names}


async def record_held(name: str, scenario: str) -> None:
    """A participant busy in a webhook call (its answer held back) when: `held-event`, the
    journey is paused, so it is held at `watch`, where it buys; then the journey resumes;
    `held-reply-migrated`, paused, it is held at `answer` after its SMS question, answers
    YES, and is migrated to version 2 (the history saved is the run it left);
    `migrated-back`, migrations to version 3 then to version 2 reach it (signalled
    directly: `herald journeys migrate` no longer sends the second). Saved as NAME.json."""
    from tests.conftest import start_time_skipping
    from tests.loopback_http import loopback_server
    from worker import build_worker

    env = await start_time_skipping()
    database, herald = recording_herald(env)
    start = "ask" if scenario == "held-reply-migrated" else "call"
    with loopback_server() as server:
        server.gate.clear()
        phone = endpoint("hal", ChannelType="SMS", Address=HELD_NUMBER)
        docs = [
            phone,
            template("ask", "SMS"),
            journey("held", start, _held_steps(scenario, server.url)),
        ]
        await herald.apply([DEFINITION_ADAPTER.validate_python(d) for d in docs])
        async with build_worker(env.client, task_queue="record", database=database):
            entered = await herald.enter("held", "hal")
            handle = env.client.get_workflow_handle(entered.workflow_id)
            run_id = (await handle.describe()).run_id
            await eventually(lambda: _calls(server), bool, what="the webhook call")
            if scenario == "migrated-back":
                await _migrate_back(herald, database, handle, server.url)
            else:
                await herald.journey_transition("held", "pause")
            server.gate.set()
            if scenario != "migrated-back":
                await _while_held(env, herald, handle, scenario, server.url)
            await env.sleep(timedelta(days=1, minutes=1))
            first = env.client.get_workflow_handle(entered.workflow_id, run_id=run_id)
            history = await first.fetch_history()
    (HISTORIES / f"{name}.json").write_text(history.to_json())
    await database.dispose()
    await env.shutdown()


async def _calls(server: Any) -> int:
    return len(server.requests)


async def _while_held(
    env: WorkflowEnvironment, herald: HeraldClient, handle: Any, scenario: str, url: str
) -> None:
    """Held at the step after the call: the event or the reply comes; then the resume (and,
    for the reply, a migration to version 2 first)."""
    await eventually(
        lambda: herald.journey_state("held", "hal"),
        lambda s: s is not None and s.paused and s.current_step in ("watch", "answer"),
        what="the participant held by the pause",
    )
    if scenario == "held-event":
        await herald.put_event(Event(id="held-1", endpoint_id="hal", event_type="purchase"))
    else:
        await herald.receive(
            InboundMessage(provider="twilio", provider_message_id="SM-held-1", channel="SMS",
                           from_address=HELD_NUMBER, to_address=None, text="Yes")
        )  # fmt: skip
        steps = _held_steps(scenario, url, "PT30H")
        await herald.apply([DEFINITION_ADAPTER.validate_python(journey("held", "ask", steps))])
        await herald.migrate("held", 2, {})
        await eventually(
            lambda: handle.describe(),
            lambda d: d.typed_search_attributes.get(HERALD_JOURNEY_VERSION) == 2,
            what="the participant running on version 2",
        )
    await herald.journey_transition("held", "resume")


async def _migrate_back(herald: HeraldClient, database: Database, handle: Any, url: str) -> None:
    """Versions 2 and 3 published; the busy participant is signalled to 3, then to 2."""
    from herald.store.journeys import get_journey

    for nap in ("PT2H", "PT3H"):
        steps = _held_steps("migrated-back", url, nap)
        await herald.apply([DEFINITION_ADAPTER.validate_python(journey("held", "call", steps))])
    for version in (3, 2):
        async with database.session() as session:
            published = await get_journey(session, "held", version)
        assert published is not None
        target = MigrateSignal(journey=published.journey, version=version)
        await handle.signal(MIGRATE_SIGNAL, target)
