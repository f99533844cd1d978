"""The first vertical slice under the time-skipping server: send, wait 3 days, send."""

from __future__ import annotations

from datetime import timedelta

from temporalio.testing import WorkflowEnvironment

from herald.client import HeraldClient
from herald.models import (
    JOURNEY_WORKFLOW,
    JourneyInput,
    JourneyResult,
    MessageStatus,
    journey_workflow_id,
)
from herald.settings import Settings
from herald.store import Database
from tests.helpers import definitions, until_waiting
from worker import build_worker


def _client(env: WorkflowEnvironment, database: Database, task_queue: str) -> HeraldClient:
    settings = Settings(database_url=database.url, task_queue=task_queue)
    return HeraldClient(settings, database, env.client)


async def test_three_day_wait_sends_twice(
    time_skipping_env: WorkflowEnvironment, sqlite_database: Database, task_queue: str
) -> None:
    herald = _client(time_skipping_env, sqlite_database, task_queue)
    await herald.apply(definitions(wait="P3D"))
    async with build_worker(
        time_skipping_env.client, task_queue=task_queue, database=sqlite_database
    ):
        entered = await herald.enter("onboarding", "ann")
        await until_waiting(herald, "onboarding", "ann")
        assert len(await herald.outbox()) == 1
        described = await time_skipping_env.client.get_workflow_handle(
            entered.workflow_id
        ).describe()
        shown = {p.key.name: p.value for p in described.typed_search_attributes}
        assert shown["HeraldStep"] == "nap"
        assert shown["HeraldWaitingFor"] == "timer"
        await time_skipping_env.sleep(timedelta(days=2, hours=23))
        assert len(await herald.outbox()) == 1, "the second message came before 3 days"
        await time_skipping_env.sleep(timedelta(hours=2))
        handle = time_skipping_env.client.get_workflow_handle(
            entered.workflow_id, result_type=JourneyResult
        )
        result = await handle.result()

    assert [v.step_id for v in result.visits] == ["first", "nap", "second", "bye"]
    waited = result.visits[2].entered_at - result.visits[1].entered_at
    assert waited >= timedelta(days=3)
    sent = await herald.outbox(journey="onboarding")
    assert [(m.step_id, m.content.subject, m.content.text) for m in sent] == [
        ("first", "Hello Ann", "Plan: pro. Welcome!"),
        ("second", "Hello Ann", "Plan: pro. Still here?"),
    ]
    events = await herald.events(endpoint_id="ann", event_type="_email.send")
    assert len(events) == 2


async def test_entering_twice_enters_once(
    time_skipping_env: WorkflowEnvironment, sqlite_database: Database, task_queue: str
) -> None:
    herald = _client(time_skipping_env, sqlite_database, task_queue)
    await herald.apply(definitions(wait="PT1H", journey="once"))
    async with build_worker(
        time_skipping_env.client, task_queue=task_queue, database=sqlite_database
    ):
        first = await herald.enter("once", "ann")
        second = await herald.enter("once", "ann")
        await until_waiting(herald, "once", "ann")
        await time_skipping_env.sleep(timedelta(hours=2))
        await time_skipping_env.client.get_workflow_handle(first.workflow_id).result()
        third = await herald.enter("once", "ann")
    assert (first.already_entered, second.already_entered, third.already_entered) == (
        False,
        True,
        True,
    )
    assert len(await herald.outbox(journey="once")) == 2


async def test_worker_replaced_mid_wait_sends_each_message_once(
    time_skipping_env: WorkflowEnvironment, sqlite_database: Database, task_queue: str
) -> None:
    herald = _client(time_skipping_env, sqlite_database, task_queue)
    await herald.apply(definitions(wait="P3D", journey="restart"))
    env = time_skipping_env
    # No workflow cache on either worker: nothing survives in memory between them, and the
    # server does not hold the next task for the first worker's (sticky) queue.
    async with build_worker(
        env.client, task_queue=task_queue, database=sqlite_database, max_cached_workflows=0
    ):
        entered = await herald.enter("restart", "ann")
        await until_waiting(herald, "restart", "ann")
        assert len(await herald.outbox(journey="restart")) == 1
    # The first worker is gone; a fresh one replays the history up to the timer.
    async with build_worker(
        env.client, task_queue=task_queue, database=sqlite_database, max_cached_workflows=0
    ):
        await env.sleep(timedelta(days=3, minutes=1))
        await env.client.get_workflow_handle(entered.workflow_id).result()
    sent = await herald.outbox(journey="restart")
    assert [m.step_id for m in sent] == ["first", "second"]
    logged = await herald.messages(journey="restart")
    assert [m.status for m in logged] == [MessageStatus.SENT, MessageStatus.SENT]


async def test_unknown_endpoint_leaves_at_its_first_send_with_a_clear_reason(
    time_skipping_env: WorkflowEnvironment, sqlite_database: Database, task_queue: str
) -> None:
    """A participant whose endpoint does not exist (started around `enter`'s check, or
    deleted before its first step) leaves at the send, once, with the reason recorded, as a
    participant deleted later does; the message is logged FAILED and nothing is sent."""
    herald = _client(time_skipping_env, sqlite_database, task_queue)
    journey = next(d for d in definitions(journey="ghost") if d.kind == "Journey")
    await herald.apply(definitions(journey="ghost"))
    async with build_worker(
        time_skipping_env.client, task_queue=task_queue, database=sqlite_database
    ):
        result = await time_skipping_env.client.execute_workflow(
            JOURNEY_WORKFLOW,
            JourneyInput(journey=journey, version=1, participant_id="nobody"),
            id=journey_workflow_id("ghost", "nobody"),
            task_queue=task_queue,
            result_type=JourneyResult,
        )
    assert result.exit_reason == "deleted: endpoint 'nobody' does not exist"
    assert [v.step_id for v in result.visits] == ["first"]
    [logged] = await herald.messages(journey="ghost")
    assert logged.status is MessageStatus.FAILED
    assert "endpoint 'nobody' does not exist" in (logged.reason or "")
    assert await herald.outbox(journey="ghost") == []
