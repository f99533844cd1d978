"""The message log keeps the address each message was handed to the provider for (revision
0018), on SQLite and PostgreSQL: a journey's (or transactional) send through `deliver`, and a
campaign's batch, with no statement of their own. A receipt suppresses that address; a
message logged before the revision keeps no address, and its receipt falls back to the
provider's recipient."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import event, select, text

from herald.apply import apply_definitions
from herald.campaigns.batch import send_batch
from herald.campaigns.snapshot import start_run
from herald.channels import ChannelRegistry
from herald.delivery import deliver
from herald.inbound.models import Receipt
from herald.inbound.receipts import record_receipt
from herald.models import (
    DEFINITION_ADAPTER,
    AddressProblem,
    EmailTemplate,
    Endpoint,
    Event,
    MessageChannel,
    SendOutcome,
    SendRequest,
)
from herald.models.campaign_run import SendBatchRequest, StartRunRequest
from herald.store import Database, upgrade
from herald.store.endpoints import upsert_endpoints
from herald.store.suppressions import list_suppressions
from herald.store.tables import MessageRow
from tests.campaigns.harness import SEGMENT, TEMPLATE, campaign

HELLO = EmailTemplate(name="hello", channel="EMAIL", subject="Hi", text="Hello")


def _email(endpoint_id: str, address: str, **fields: str) -> Endpoint:
    document = {"Id": endpoint_id, "ChannelType": "EMAIL", "Address": address, **fields}
    return Endpoint.model_validate(document)


def _send(key: str, endpoint_id: str, endpoint: Endpoint | None = None) -> SendRequest:
    return SendRequest(
        idempotency_key=key, endpoint_id=endpoint_id, channel=MessageChannel.EMAIL,
        template=HELLO.name, content=HELLO, endpoint=endpoint,
    )  # fmt: skip


async def _addresses(database: Database) -> dict[str, tuple[str, str | None]]:
    async with database.session() as session:
        rows = await session.execute(
            select(MessageRow.idempotency_key, MessageRow.status, MessageRow.address)
        )
        return {str(k): (str(s), a) for k, s, a in rows.all()}


def _statements(database: Database) -> tuple[list[str], Any]:
    """The statements run on `database` from now on, and a function to stop collecting."""
    seen: list[str] = []

    def capture(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        seen.append(statement)

    sync_engine = database.engine.sync_engine
    event.listen(sync_engine, "before_cursor_execute", capture)
    return seen, lambda: event.remove(sync_engine, "before_cursor_execute", capture)


async def test_a_send_logs_the_address_it_went_to(database: Database) -> None:
    async with database.session() as session:
        await upsert_endpoints(
            session,
            [_email("ann", "Ann@example.com"), _email("bob", "bob@example.com", OptOut="ALL")],
        )
    channels = ChannelRegistry.outbox_for_all(database)
    raw = Endpoint(id="cy@example.com", channel_type="EMAIL", address="cy@example.com")
    seen, stop = _statements(database)
    try:
        sent = await deliver(database, channels, _send("k-ann", "ann"))
    finally:
        stop()
    skipped = await deliver(database, channels, _send("k-bob", "bob"))
    transactional = await deliver(database, channels, _send("k-cy", raw.id, raw))

    assert [r.outcome for r in (sent, skipped, transactional)] == [
        SendOutcome.SENT, SendOutcome.SKIPPED, SendOutcome.SENT,
    ]  # fmt: skip
    assert await _addresses(database) == {
        "k-ann": ("SENT", "Ann@example.com"),
        "k-bob": ("SKIPPED", None),  # never handed to a provider
        "k-cy": ("SENT", "cy@example.com"),
    }
    # Written by the claim's INSERT and the finish's UPDATE, as before: no statement of its own.
    writes = [
        s
        for s in seen
        if s.lstrip().upper().startswith(("INSERT INTO MESSAGES", "UPDATE MESSAGES"))
    ]
    assert len(writes) == 2


async def test_a_campaign_batch_logs_the_address_of_each_message_sent(database: Database) -> None:
    async with database.session() as session:
        await upsert_endpoints(
            session,
            [_email("ann", "Ann@example.com"), _email("bob", "bob@example.com", OptOut="ALL")],
        )
        docs = [SEGMENT, TEMPLATE, campaign("promo")]
        await apply_definitions(session, [DEFINITION_ADAPTER.validate_python(d) for d in docs])
    now = datetime.now(UTC)
    run = StartRunRequest(campaign="promo", run="once", workflow_id="campaign-promo", now=now)
    await start_run(database, run, "", lambda _: None)
    batch = SendBatchRequest(
        campaign="promo", run="once", key_prefix="campaign:promo:once", limit=100,
        now=now, nominal=now,
    )  # fmt: skip

    seen, stop = _statements(database)
    try:
        result = await send_batch(database, ChannelRegistry.outbox_for_all(database), batch)
    finally:
        stop()

    assert (result.counts.sent, result.counts.skipped) == (1, 1)
    assert await _addresses(database) == {
        "campaign:promo:once:ann": ("SENT", "Ann@example.com"),
        "campaign:promo:once:bob": ("SKIPPED", None),
    }
    finishes = [s for s in seen if s.lstrip().upper().startswith("UPDATE MESSAGES")]
    assert len(finishes) == 1  # every message of the batch finished by one statement


async def test_a_receipt_of_a_message_logged_before_0018_suppresses_the_providers_recipient(
    database_url: str,
) -> None:
    upgrade(database_url, "0014")
    stamp = datetime.now(UTC)
    database = Database(database_url)
    try:
        async with database.session() as session:
            await session.execute(
                text(
                    "INSERT INTO messages (idempotency_key, channel, endpoint_id, status,"
                    " provider_message_id, created_at, updated_at) VALUES"
                    " ('k-old', 'EMAIL', 'gone@example.com', 'SENT', 'ses-1', :at, :at)"
                ),
                {"at": stamp},
            )
        upgrade(database_url)
        events: list[Event] = []

        async def put_event(event: Event) -> str:
            events.append(event)
            return event.id or ""

        bounce = Receipt(
            provider="ses", receipt_id="ses-1:Bounce", event_type="_email.hardbounce",
            provider_message_id="ses-1", recipient="gone@example.com",
            suppress=AddressProblem.INVALID, detail="Permanent bounce (General)",
        )  # fmt: skip
        recorded = await record_receipt(database, put_event, bounce)
        async with database.session() as session:
            logged = (await session.execute(select(MessageRow.address, MessageRow.reason))).one()
            suppressed = await list_suppressions(session, MessageChannel.EMAIL)
    finally:
        await database.dispose()

    assert recorded is not None and events == []  # no endpoint: no event, but recorded
    assert tuple(logged) == (None, "receipt _email.hardbounce: Permanent bounce (General)")
    assert [(s.address, s.reason) for s in suppressed] == [("gone@example.com", "INVALID")]
