"""A campaign's limits hold when runs of one endpoint come together: each event starts a run
of its own, so `limits.daily: 1` means one message a day however many events started runs.
The caps are counted and the message claimed in one step, and a message another run claimed
and has not finished counts, as sent, until it is (or until its run gives it up)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Sequence
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import insert, select, text
from temporalio.testing import WorkflowEnvironment

from herald.apply import apply_definitions
from herald.campaigns.batch import send_batch
from herald.campaigns.snapshot import start_run
from herald.channels import ChannelRegistry, OutboxProvider
from herald.channels.results import retryable
from herald.models import (
    DEFINITION_ADAPTER,
    DeliveryResult,
    Event,
    MessageChannel,
    OutgoingMessage,
)
from herald.models.campaign_run import (
    BatchCounts,
    SendBatchRequest,
    StartRunRequest,
    campaign_workflow_id,
)
from herald.store import Database, upgrade
from herald.store import campaigns as store
from herald.store.tables import MessageRow
from tests.campaigns.harness import (
    SEGMENT,
    TEMPLATE,
    add_endpoints,
    campaign,
    finished,
    message_counts,
    unique,
)
from tests.helpers import eventually
from tests.workflows.engine import Engine, running_engine

ENDPOINT = "e000000"


@pytest.fixture
async def any_engine(
    time_skipping_env: WorkflowEnvironment, database: Database, task_queue: str
) -> AsyncIterator[Engine]:
    """`engine`, on SQLite and on PostgreSQL."""
    async with running_engine(time_skipping_env, database, task_queue) as running:
        yield running


@pytest.fixture
async def postgres_database(postgres_url: str) -> AsyncIterator[Database]:
    upgrade(postgres_url)
    database = Database(postgres_url)
    yield database
    await database.dispose()


class _Gate:
    """The outbox, holding the first messages handed to it until released."""

    name = "gate"

    def __init__(self, database: Database) -> None:
        self._outbox = OutboxProvider(database)
        self.holding = asyncio.Event()
        self.release = asyncio.Event()

    async def send(self, messages: Sequence[OutgoingMessage]) -> list[DeliveryResult]:
        if not self.holding.is_set():
            self.holding.set()
            await self.release.wait()
        return await self._outbox.send(messages)


class _Later:
    """A provider that takes nothing now: "try again later"."""

    name = "later"

    async def send(self, messages: Sequence[OutgoingMessage]) -> list[DeliveryResult]:
        return [retryable(m, self.name, "throttled", 60) for m in messages]


def _channels(provider: Any) -> ChannelRegistry:
    return ChannelRegistry(dict.fromkeys(MessageChannel, provider))


async def _campaign(database: Database, name: str, limits: dict[str, int], *runs: str) -> None:
    """The campaign, one endpoint, and `runs` started (each with the endpoint assigned)."""
    await add_endpoints(database, 1)
    async with database.session() as session:
        docs = [SEGMENT, TEMPLATE, campaign(name, limits=limits)]
        await apply_definitions(session, [DEFINITION_ADAPTER.validate_python(d) for d in docs])
    for run in runs:
        request = StartRunRequest(
            campaign=name, run=run, workflow_id=campaign_workflow_id(name, run), now=_now()
        )
        await start_run(database, request, "", lambda _: None)


def _now() -> datetime:
    return datetime.now(UTC)


def _batch(name: str, run: str) -> SendBatchRequest:
    now = _now()
    key_prefix = campaign_workflow_id(name, run)
    return SendBatchRequest(
        campaign=name, run=run, key_prefix=key_prefix, limit=100, now=now, nominal=now
    )


async def _logged(database: Database, name: str) -> dict[str, tuple[str, str | None]]:
    """idempotency key -> (status, reason) of the campaign's messages."""
    m = MessageRow
    async with database.session() as session:
        rows = await session.execute(
            select(m.idempotency_key, m.status, m.reason).where(m.campaign == name)
        )
        return {str(k): (str(s), r) for k, s, r in rows.all()}


async def test_daily_cap_holds_for_events_that_arrive_together(
    any_engine: Engine, database: Database
) -> None:
    engine = any_engine
    await add_endpoints(database, 1)
    name = unique()
    schedule = {"frequency": "EVENT", "event": {"event_type": "purchase"}}
    await engine.apply(
        SEGMENT, TEMPLATE, campaign(name, schedule=schedule, limits={"daily": 1, "total": 1})
    )
    now = await engine.now()
    ids = [f"ev-{i}" for i in range(4)]
    await asyncio.gather(
        *(
            engine.herald.put_event(
                Event(id=i, endpoint_id=ENDPOINT, event_type="purchase", timestamp=now)
            )
            for i in ids
        )
    )
    for i in ids:
        await finished(engine, name, f"event-{i}")
    counts = await message_counts(database, name)
    assert counts.get(("SENT", "default")) == 1, counts
    assert counts.get(("SKIPPED", "default")) == 3, counts


@pytest.mark.parametrize(
    ("limits", "reason"),
    [
        ({"total": 1}, "total cap reached (1 message(s))"),
        ({"daily": 1}, "daily cap reached (1 message(s))"),
    ],
)
async def test_a_run_does_not_send_past_a_message_another_run_has_with_the_provider(
    database: Database, limits: dict[str, int], reason: str
) -> None:
    """Run a's message is with the provider, not yet recorded SENT, when run b's batch
    counts the endpoint's messages: b counts a's claim and skips."""
    await _campaign(database, "capped", limits, "a", "b")
    gate = _Gate(database)
    first = asyncio.create_task(send_batch(database, _channels(gate), _batch("capped", "a")))
    await gate.holding.wait()
    second = await send_batch(database, _channels(gate), _batch("capped", "b"))
    gate.release.set()
    assert (await first).counts == BatchCounts(sent=1)
    assert second.counts == BatchCounts(skipped=1)
    assert await _logged(database, "capped") == {
        f"campaign:capped:a:{ENDPOINT}": ("SENT", None),
        f"campaign:capped:b:{ENDPOINT}": ("SKIPPED", reason),
    }


async def test_a_retried_batch_does_not_count_its_own_claim(database: Database) -> None:
    """The provider said "later": the endpoint waits in its run, its claim kept, and the run's
    next batch sends it (its own claim is not another run's message in flight)."""
    await _campaign(database, "capped", {"total": 1}, "a")
    later = await send_batch(database, _channels(_Later()), _batch("capped", "a"))
    assert later.deferred == 1 and later.counts == BatchCounts()
    async with database.session() as session:
        await store.finish_assignments(session, "capped", "a", [], [(ENDPOINT, _now())])
    again = await send_batch(database, _channels(OutboxProvider(database)), _batch("capped", "a"))
    assert again.counts == BatchCounts(sent=1)


async def test_a_message_its_run_gave_up_no_longer_counts(database: Database) -> None:
    """A claim whose run ended before the provider took it (the event's 5 minutes passed) is
    skipped with the run's reason when the run closes, and counts no more."""
    await _campaign(database, "capped", {"total": 1}, "a", "b", "c")
    await send_batch(database, _channels(_Later()), _batch("capped", "a"))
    outbox = _channels(OutboxProvider(database))
    held_back = await send_batch(database, outbox, _batch("capped", "b"))
    assert held_back.counts == BatchCounts(skipped=1)  # a's message may still go
    async with database.session() as session:
        assert await store.close_remaining(session, "capped", "a", "too late") == 1
    assert (await send_batch(database, outbox, _batch("capped", "c"))).counts.sent == 1
    logged = await _logged(database, "capped")
    assert logged[f"campaign:capped:a:{ENDPOINT}"] == ("SKIPPED", "too late")
    assert logged[f"campaign:capped:c:{ENDPOINT}"] == ("SENT", None)


async def test_postgresql_holds_the_cap_while_another_transaction_claims(
    postgres_database: Database,
) -> None:
    """On PostgreSQL two batches can count at once: the second waits for the first's lock on
    the (campaign, endpoint) cap until the first has claimed and committed, then counts that
    claim. (SQLite has one writer at a time: every transaction begins IMMEDIATE.)"""
    database = postgres_database
    await _campaign(database, "capped", {"total": 1}, "b")
    async with database.session() as holder:
        # What run a's batch does first in its claim: hold the cap, claim the message.
        await store.lock_caps(holder, "capped", [ENDPOINT])
        await holder.execute(
            insert(MessageRow).values(
                idempotency_key=f"campaign:capped:a:{ENDPOINT}",
                channel="EMAIL",
                endpoint_id=ENDPOINT,
                status="PENDING",
                campaign="capped",
                created_at=_now(),
                updated_at=_now(),
            )
        )
        outbox = _channels(OutboxProvider(database))
        second = asyncio.create_task(send_batch(database, outbox, _batch("capped", "b")))
        await eventually(
            lambda: _waiting_for_a_lock(database),
            bool,
            what="run b's batch waiting for the cap's lock",
        )
    assert (await second).counts == BatchCounts(skipped=1)


async def _waiting_for_a_lock(database: Database) -> int:
    async with database.engine.connect() as connection:
        found = await connection.execute(
            text(
                "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                "AND query LIKE '%campaign_cap_locks%' AND pid <> pg_backend_pid()"
            )
        )
        return int(found.scalar_one())
