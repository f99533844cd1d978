"""Saved histories replay against today's workflow code.

A change to JourneyWorkflow that would break participants already waiting (they could be
mid-journey for months) fails here; such changes go behind `workflow.patched`. To add a
history after a deliberate, patched change: `python -m tests.replay.test_replay NAME
[SCENARIO]` (see `record`).
"""

from __future__ import annotations

import asyncio
import contextlib
import sys
import tempfile
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from temporalio.client import WorkflowFailureError, WorkflowHistory
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Replayer

from herald.client import HeraldClient
from herald.inbound.models import InboundMessage
from herald.models import DEFINITION_ADAPTER, Definition, Event
from herald.models.journey_run import (
    HERALD_JOURNEY_VERSION,
    MIGRATE_SIGNAL,
    MigrateSignal,
    journey_run_workflow_id,
)
from herald.settings import Settings
from herald.store import Database, upgrade
from tests.helpers import definitions, eventually, until_waiting
from tests.workflows.engine import endpoint, journey, quiet_around, template
from worker.build import SANDBOX
from workflows.registry import WORKFLOWS

HISTORIES = Path(__file__).parent / "histories"


@pytest.mark.parametrize("path", sorted(HISTORIES.glob("*.json")), ids=lambda p: p.stem)
async def test_saved_history_replays(path: Path) -> None:
    history = WorkflowHistory.from_json(path.stem, path.read_text())
    replayer = Replayer(
        workflows=WORKFLOWS, workflow_runner=SANDBOX, data_converter=pydantic_data_converter
    )
    await replayer.replay_workflow(history)


def test_there_is_a_history_to_replay() -> None:
    assert list(HISTORIES.glob("*.json")), "no saved histories: the replay test checks nothing"


async def record(name: str, scenario: str = "send-wait-send") -> None:
    """Run the sample journey under time skipping and save its history as NAME.json.

    Scenarios: `send-wait-send`; `paused-at-entry` (the journey is paused before the
    participant's first step and resumed: the resume clears HeraldWaitingFor);
    `migrated-wait` (a day into its three-day wait, the participant is migrated to a version
    whose wait is two days; the history saved is the run that continued on version 2);
    `migrated-split` (the same, a day into a split's two-day evaluation wait, to 30 hours);
    `segment-walk` records a journey's segment walk instead (`record_walk`), and
    `early-reply` a participant answering before its `wait_for_reply` (`record_early_reply`),
    and `accented-reply` the same answering "Sí" to keywords YES and SI; `deleted`, a
    participant deleted during a split's evaluation wait (`record_deleted`), and
    `deleted-at-send` during a wait before a send;
    `paused-until` (waiting until a time a day ahead, the participant is paused for a day
    from halfway, past that time, then resumed); `cancelled-held` (quiet time holds the
    first send, and the journey is cancelled meanwhile); `held-event`,
    `held-reply-migrated` and `migrated-back`, a participant busy in a webhook call while
    paused or migrated (`record_held`)."""
    from tests.conftest import start_time_skipping
    from worker import build_worker

    env = await start_time_skipping()
    database, herald = _herald(env)
    now = await env.get_current_time()
    until = (now + timedelta(days=1)).isoformat()
    sample = definitions(
        wait="P3D",
        until=until if scenario == "paused-until" else None,
        quiet_time=quiet_around(now) if scenario == "cancelled-held" else None,
    )
    if scenario == "migrated-split":  # Ann and the template, and a split for the journey
        sample = [*sample[:-1], _split_journey("P2D")]
    await herald.apply(sample)
    paused = scenario == "paused-at-entry"
    if paused:  # entered with no worker running, so the pause is there before its first step
        entered = await herald.enter("onboarding", "ann")
        await herald.journey_transition("onboarding", "pause")
    async with build_worker(env.client, task_queue="record", database=database):
        if paused:
            await eventually(
                lambda: herald.journey_state("onboarding", "ann"),
                lambda s: s is not None and s.paused,
                what="the participant held by the pause",
            )
            await herald.journey_transition("onboarding", "resume")
        else:
            entered = await herald.enter("onboarding", "ann")
        await until_waiting(herald, "onboarding", "ann")
        if scenario == "migrated-wait":
            await _migrate_a_day_in(env, herald, entered.workflow_id)
        if scenario == "migrated-split":
            await _migrate_a_day_in(env, herald, entered.workflow_id, _split_journey("PT30H"))
        if scenario == "paused-until":
            await _pause_past_the_deadline(env, herald)
        if scenario == "cancelled-held":
            await herald.journey_transition("onboarding", "cancel")
        await env.sleep(timedelta(days=3, minutes=1))
        handle = env.client.get_workflow_handle(entered.workflow_id)
        await handle.result()
        history = await handle.fetch_history()
    (HISTORIES / f"{name}.json").write_text(history.to_json())
    await database.dispose()
    await env.shutdown()


def _herald(env: WorkflowEnvironment) -> tuple[Database, HeraldClient]:
    url = f"sqlite:///{tempfile.mkdtemp()}/h.db"
    upgrade(url)
    database = Database(url)
    settings = Settings(database_url=url, task_queue="record")
    return database, HeraldClient(settings, database, env.client)


async def record_walk(name: str) -> None:
    """The segment walk of a journey that starts in two days, published again meanwhile to
    start in one: its JourneyRunWorkflow history, saved as NAME.json."""
    from tests.conftest import start_time_skipping
    from worker import build_worker

    env = await start_time_skipping()
    database, herald = _herald(env)
    now = await env.get_current_time()
    everyone = {"kind": "Segment", "name": "everyone", "endpoint_ids": ["ann"]}
    await herald.apply([*definitions()[:2], DEFINITION_ADAPTER.validate_python(everyone)])
    handle = env.client.get_workflow_handle(journey_run_workflow_id("onboarding"))
    async with build_worker(env.client, task_queue="record", database=database):
        for days in (2, 1):
            start = (now + timedelta(days=days)).isoformat()
            await herald.apply([_split_journey("P1D", {"segment": {"segment": "everyone"}}, start)])
            await eventually(lambda: handle.query("admitted"), lambda n: n == 0, what="the walk")
        await env.sleep(timedelta(days=2))
        await handle.result()
        history = await handle.fetch_history()
    (HISTORIES / f"{name}.json").write_text(history.to_json())
    await database.dispose()
    await env.shutdown()


# A question by SMS, a split that gives it an hour to be delivered, then a wait for the
# answer: the answer arrives during the split's hour, before the wait begins.
RSVP_NUMBER = "+15555550160"
RSVP = [
    endpoint("rae", ChannelType="SMS", Address=RSVP_NUMBER),
    template("ask", "SMS"),
    journey(
        "rsvp",
        "ask",
        {
            "ask": {"type": "send", "channel": "SMS", "template": "ask", "next": "check"},
            "check": {
                "type": "split",
                "conditions": [{"kind": "engagement", "step": "ask", "engagement": "delivered"}],
                "evaluation_wait": "PT1H",
                "yes": "answer",
                "no": "answer",
            },
            "answer": {
                "type": "wait_for_reply",
                "after_step": "ask",
                "branches": [{"keywords": ["YES", "SI"], "next": "glad"}],
                "on_other_reply": "huh",
                "timeout": "P2D",
                "on_timeout": "nudge",
            },
            "glad": {"type": "exit"},
            "huh": {"type": "exit"},
            "nudge": {"type": "exit"},
        },
    ),
]


async def record_early_reply(name: str, text: str = "Yes") -> None:
    """The `rsvp` journey, its answer `text` texted ten minutes into the split's hour: the
    participant's history, saved as NAME.json."""
    from tests.conftest import start_time_skipping
    from worker import build_worker

    env = await start_time_skipping()
    database, herald = _herald(env)
    await herald.apply([DEFINITION_ADAPTER.validate_python(d) for d in RSVP])
    async with build_worker(env.client, task_queue="record", database=database):
        entered = await herald.enter("rsvp", "rae")
        await until_waiting(herald, "rsvp", "rae")
        await env.sleep(timedelta(minutes=10))
        await herald.receive(
            InboundMessage(
                provider="twilio",
                provider_message_id="SM-early-1",
                channel="SMS",
                from_address=RSVP_NUMBER,
                to_address=None,
                text=text,
            )
        )
        await env.sleep(timedelta(days=2, hours=2))
        handle = env.client.get_workflow_handle(entered.workflow_id)
        await handle.result()
        history = await handle.fetch_history()
    (HISTORIES / f"{name}.json").write_text(history.to_json())
    await database.dispose()
    await env.shutdown()


async def record_deleted(name: str, at_send: bool = False) -> None:
    """Ann, a day into a split's two-day evaluation wait, is deleted: her history (the
    workflow failed before the patch, and completes after), saved as NAME.json. `at_send`:
    a day into the sample's three-day wait instead, so the send after it finds her gone (the
    workflow failed before that send's failure counted as a deletion)."""
    from tests.conftest import start_time_skipping
    from worker import build_worker

    env = await start_time_skipping()
    database, herald = _herald(env)
    sample = definitions(wait="P3D")
    await herald.apply(sample if at_send else [*sample[:2], _split_journey("P2D")])
    async with build_worker(env.client, task_queue="record", database=database):
        entered = await herald.enter("onboarding", "ann")
        await until_waiting(herald, "onboarding", "ann")
        await env.sleep(timedelta(days=1))
        await herald.delete_endpoint("ann")
        await env.sleep(timedelta(days=2, minutes=1))
        handle = env.client.get_workflow_handle(entered.workflow_id)
        with contextlib.suppress(WorkflowFailureError):
            await handle.result()
        history = await handle.fetch_history()
    (HISTORIES / f"{name}.json").write_text(history.to_json())
    await database.dispose()
    await env.shutdown()


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
    database, herald = _herald(env)
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


def _split_journey(
    evaluation_wait: str, entry: dict[str, Any] | None = None, start: str | None = None
) -> Definition:
    """The sample journey as one split that waits `evaluation_wait` before it looks."""
    check = {
        "type": "split",
        "conditions": [{"kind": "attribute", "name": "Plan", "values": ["pro"]}],
        "evaluation_wait": evaluation_wait,
        "yes": "bye",
        "no": "bye",
    }
    steps = {"check": check, "bye": {"type": "exit"}}
    doc: dict[str, Any] = {"kind": "Journey", "name": "onboarding", "start": "check"}
    doc["steps"] = steps
    if entry or start:
        doc["settings"] = {"entry": entry or {}, "schedule": {"start": start} if start else {}}
    return DEFINITION_ADAPTER.validate_python(doc)


async def _migrate_a_day_in(
    env: WorkflowEnvironment,
    herald: HeraldClient,
    workflow_id: str,
    target: Definition | None = None,
) -> None:
    await env.sleep(timedelta(days=1))
    await herald.apply([target] if target else definitions(wait="P2D"))
    await herald.migrate("onboarding", 2, {})
    await eventually(
        lambda: env.client.get_workflow_handle(workflow_id).describe(),
        lambda d: d.typed_search_attributes.get(HERALD_JOURNEY_VERSION) == 2,
        what="the participant running on version 2",
    )


async def _pause_past_the_deadline(env: WorkflowEnvironment, herald: HeraldClient) -> None:
    await env.sleep(timedelta(hours=12))
    await herald.journey_transition("onboarding", "pause")
    await eventually(
        lambda: herald.journey_state("onboarding", "ann"),
        lambda s: s is not None and s.paused,
        what="the participant held by the pause",
    )
    await env.sleep(timedelta(days=1))
    await herald.journey_transition("onboarding", "resume")


if __name__ == "__main__":
    if sys.argv[2:3] == ["segment-walk"]:
        asyncio.run(record_walk(sys.argv[1]))
    elif sys.argv[2:3] == ["early-reply"]:
        asyncio.run(record_early_reply(sys.argv[1]))
    elif sys.argv[2:3] in (["deleted"], ["deleted-at-send"]):
        asyncio.run(record_deleted(sys.argv[1], at_send=sys.argv[2] == "deleted-at-send"))
    elif sys.argv[2:3] in (["held-event"], ["held-reply-migrated"], ["migrated-back"]):
        asyncio.run(record_held(sys.argv[1], sys.argv[2]))
    elif sys.argv[2:3] == ["accented-reply"]:
        asyncio.run(record_early_reply(sys.argv[1], "Sí"))
    else:
        asyncio.run(record(*sys.argv[1:3]))
