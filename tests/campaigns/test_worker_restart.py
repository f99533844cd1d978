"""A worker stopped in the middle of a batch (its messages handed to the provider, not yet
recorded) and a new one started: every endpoint still gets exactly one message."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import timedelta

from temporalio.testing import WorkflowEnvironment

from herald.channels import ChannelRegistry
from herald.channels.outbox import OutboxProvider
from herald.client import HeraldClient
from herald.models import DEFINITION_ADAPTER, DeliveryResult, MessageChannel, OutgoingMessage
from herald.settings import Settings
from herald.store import Database
from tests.campaigns.harness import (
    SEGMENT,
    TEMPLATE,
    add_endpoints,
    campaign,
    finished,
    message_counts,
    outbox_per_endpoint,
    run_handle,
    unique,
)
from tests.helpers import eventually
from tests.workflows.engine import Engine
from worker import build_worker


class StallAfterSecondBatch(OutboxProvider):
    """The real outbox; on its second batch it writes the messages and then never answers,
    as a worker killed between the provider's accept and Herald's record would."""

    def __init__(self, database: Database) -> None:
        super().__init__(database)
        self.batches = 0
        self.stalled = asyncio.Event()

    async def send(self, messages: Sequence[OutgoingMessage]) -> list[DeliveryResult]:
        results = await super().send(messages)
        self.batches += 1
        if self.batches == 2:
            self.stalled.set()
            await asyncio.Event().wait()  # until the worker stops and cancels the activity
        return results


async def test_worker_stopped_mid_batch_sends_each_endpoint_once(
    time_skipping_env: WorkflowEnvironment, sqlite_database: Database, task_queue: str
) -> None:
    env, database = time_skipping_env, sqlite_database
    await add_endpoints(database, 2000)
    name = unique()
    herald = HeraldClient(
        Settings(database_url=database.url, task_queue=task_queue), database, env.client
    )
    stalling = StallAfterSecondBatch(database)
    channels = ChannelRegistry(dict.fromkeys(MessageChannel, stalling))
    async with build_worker(
        env.client, task_queue=task_queue, database=database, channels=channels,
        max_cached_workflows=0,
    ):  # fmt: skip
        docs = [SEGMENT, TEMPLATE, campaign(name, batch_size=500)]
        await herald.apply([DEFINITION_ADAPTER.validate_python(d) for d in docs])
        await asyncio.wait_for(stalling.stalled.wait(), timeout=30)
    assert (await message_counts(database, name))[("PENDING", "default")] == 500
    async with build_worker(
        env.client, task_queue=task_queue, database=database, max_cached_workflows=0
    ):
        await env.sleep(timedelta(minutes=3))  # past the stalled batch's heartbeat timeout
        await eventually(
            lambda: herald.campaign_status(name),
            lambda s: s.state.value == "COMPLETED",
            deadline_s=60,
            what="the campaign completed",
        )
    assert await message_counts(database, name) == {("SENT", "default"): 2000}
    per_endpoint = await outbox_per_endpoint(database, f"campaign:{name}:")
    assert len(per_endpoint) == 2000 and set(per_endpoint.values()) == {1}


async def test_a_long_run_continues_as_new_and_sends_each_endpoint_once(
    engine: Engine, sqlite_database: Database
) -> None:
    """More batches than one run of the workflow holds (200): its history stays bounded."""
    await add_endpoints(sqlite_database, 230)
    name = unique()
    await engine.apply(SEGMENT, TEMPLATE, campaign(name, batch_size=1))
    progress = await finished(engine, name)
    assert progress.counts.sent == 230
    history = await run_handle(engine, name).fetch_history()
    started = history.events[0].workflow_execution_started_event_attributes
    assert started.continued_execution_run_id  # the latest run continued an earlier one
    per_endpoint = await outbox_per_endpoint(sqlite_database, f"campaign:{name}:")
    assert len(per_endpoint) == 230 and set(per_endpoint.values()) == {1}
