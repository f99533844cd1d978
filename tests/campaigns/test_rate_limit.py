"""`limits.messages_per_second` is a rate at the provider, as Pinpoint's MessagesPerSecond:
the messages of a batch are handed over spread over time, not all at once followed by a
sleep, and the batch still claims and finishes its messages in one statement each."""

from __future__ import annotations

import time
from collections.abc import Sequence
from datetime import UTC, datetime

from sqlalchemy import select

from herald.apply import apply_definitions
from herald.campaigns.batch import send_batch
from herald.campaigns.snapshot import start_run
from herald.channels import ChannelRegistry, OutboxProvider
from herald.models import DEFINITION_ADAPTER, DeliveryResult, MessageChannel, OutgoingMessage
from herald.models.campaign_run import SendBatchRequest, StartRunRequest, campaign_workflow_id
from herald.store import Database
from herald.store.tables import OutboxRow
from tests.campaigns.harness import SEGMENT, TEMPLATE, add_endpoints, campaign, finished, unique
from tests.sql_capture import statements_run
from tests.workflows.engine import Engine

# What a timer may be late or a hand-over take: far less than the gaps measured.
SLACK = 0.05


class _Recording:
    """The outbox, noting when each `send` came and with how many messages."""

    name = "recording"

    def __init__(self, database: Database) -> None:
        self._outbox = OutboxProvider(database)
        self.calls: list[tuple[float, int]] = []

    async def send(self, messages: Sequence[OutgoingMessage]) -> list[DeliveryResult]:
        self.calls.append((time.monotonic(), len(messages)))
        return await self._outbox.send(messages)


async def test_messages_per_second_spreads_the_sends(
    engine: Engine, sqlite_database: Database
) -> None:
    await add_endpoints(sqlite_database, 10)
    name = unique()
    await engine.apply(SEGMENT, TEMPLATE, campaign(name, limits={"messages_per_second": 2}))
    await finished(engine, name)
    async with sqlite_database.session() as session:
        times = sorted(
            (
                await session.execute(
                    select(OutboxRow.created_at).where(
                        OutboxRow.idempotency_key.startswith(f"campaign:{name}:")
                    )
                )
            ).scalars()
        )
    assert len(times) == 10
    # 10 messages at 2 per second: the 10th goes ~4.5 s after the 1st...
    spread = (times[-1] - times[0]).total_seconds()
    assert spread >= 4.0, f"10 messages within {spread:.3f}s at messages_per_second=2"
    # ...and no second holds more than 2 of them: every third message is a second on.
    gaps = [(times[n + 2] - times[n]).total_seconds() for n in range(len(times) - 2)]
    assert min(gaps) >= 1 - SLACK, gaps


async def test_a_paced_batch_hands_over_slices_and_claims_and_finishes_once(
    database: Database,
) -> None:
    """At 20 a second, slices of 2 (a tenth of a second's messages) a tenth of a second
    apart; the batch ends when the rate lets the next batch's first message go."""
    await add_endpoints(database, 10)
    async with database.session() as session:
        docs = [SEGMENT, TEMPLATE, campaign("paced", limits={"messages_per_second": 20})]
        await apply_definitions(session, [DEFINITION_ADAPTER.validate_python(d) for d in docs])
    now = datetime.now(UTC)
    workflow_id = campaign_workflow_id("paced", "once")
    await start_run(
        database,
        StartRunRequest(campaign="paced", run="once", workflow_id=workflow_id, now=now),
        "",
        lambda _: None,
    )
    provider = _Recording(database)
    request = SendBatchRequest(
        campaign="paced", run="once", key_prefix=workflow_id, limit=1000, now=now, nominal=now
    )

    started = time.monotonic()
    with statements_run(database) as statements:
        result = await send_batch(
            database, ChannelRegistry(dict.fromkeys(MessageChannel, provider)), request
        )
    took = time.monotonic() - started

    assert result.counts.sent == 10
    assert [n for _, n in provider.calls] == [2] * 5, provider.calls
    first = provider.calls[0][0]
    offsets = [at - first for at, _ in provider.calls]
    for slot, offset in enumerate(offsets):
        assert slot * 0.1 - SLACK <= offset, offsets  # never early
    assert took >= 10 / 20 - SLACK
    writes = [
        s.lstrip().upper()
        for s, _ in statements
        if s.lstrip().upper().startswith(("INSERT INTO MESSAGES", "UPDATE MESSAGES"))
    ]
    assert len(writes) == 2, writes  # one claim, one finish, as an unpaced batch
