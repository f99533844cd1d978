"""Recording saved histories for tests/replay: `python -m tests.replay.record NAME [SCENARIO]`
runs a scenario under time skipping and saves its workflow history as histories/NAME.json.
Record one on the code before a patched workflow change and one after (see `record`)."""

from __future__ import annotations

import asyncio
import contextlib
import sys
import tempfile
from datetime import timedelta
from pathlib import Path
from typing import Any

from temporalio.client import WorkflowFailureError
from temporalio.testing import WorkflowEnvironment

from herald.client import HeraldClient
from herald.inbound.models import InboundMessage
from herald.models import DEFINITION_ADAPTER, Definition
from herald.models.journey_run import (
    HERALD_JOURNEY_VERSION,
    journey_run_workflow_id,
)
from herald.settings import Settings
from herald.store import Database, upgrade
from tests.helpers import definitions, eventually, until_waiting
from tests.workflows.engine import endpoint, journey, quiet_around, template

HISTORIES = Path(__file__).parent / "histories"


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
    database, herald = recording_herald(env)
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


def recording_herald(env: WorkflowEnvironment) -> tuple[Database, HeraldClient]:
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
    database, herald = recording_herald(env)
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
    database, herald = recording_herald(env)
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
    database, herald = recording_herald(env)
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
        from tests.replay.record_held import record_held  # it imports this module

        asyncio.run(record_held(sys.argv[1], sys.argv[2]))
    elif sys.argv[2:3] == ["accented-reply"]:
        asyncio.run(record_early_reply(sys.argv[1], "Sí"))
    else:
        asyncio.run(record(*sys.argv[1:3]))
