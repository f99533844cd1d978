"""Sends skip an email address suppressed in another case, on SQLite and PostgreSQL: a
journey's (or transactional) send through `deliver`, and a campaign's batch. The person
asked not to be mailed as `jane.doe@example.com`; the endpoint says `Jane.Doe@example.com`."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from herald.apply import apply_definitions
from herald.campaigns.batch import send_batch
from herald.campaigns.snapshot import start_run
from herald.channels import ChannelRegistry
from herald.delivery import deliver
from herald.models import (
    DEFINITION_ADAPTER,
    EmailTemplate,
    Endpoint,
    MessageChannel,
    SendOutcome,
    SendRequest,
)
from herald.models.campaign_run import SendBatchRequest, StartRunRequest
from herald.store import Database
from herald.store.endpoints import upsert_endpoints
from herald.store.outbox import list_outbox
from herald.store.tables import MessageRow
from herald.store.templates import put_template
from herald.transactional.suppression_client import SuppressionMethods
from tests.campaigns.harness import SEGMENT, TEMPLATE, campaign
from tests.sql_capture import statements_run
from tests.store.test_suppression_case import assert_looked_up_by_lower_address

SUPPRESSED = "address suppressed on EMAIL: OPTED_OUT"


class _Client(SuppressionMethods):
    """The client methods `herald suppressions add` and POST /v1/suppressions call."""

    def __init__(self, database: Database) -> None:
        self.database = database


def _email(endpoint_id: str, address: str) -> Endpoint:
    return Endpoint.model_validate({"Id": endpoint_id, "ChannelType": "EMAIL", "Address": address})


async def _outbox_addresses(database: Database) -> list[str]:
    async with database.session() as session:
        return sorted(m.address for m in await list_outbox(session, limit=1000))


async def test_a_journey_send_skips_an_address_suppressed_in_another_case(
    database: Database,
) -> None:
    async with database.session() as session:
        await upsert_endpoints(
            session, [_email("jane", "Jane.Doe@example.com"), _email("john", "John@example.com")]
        )
        await put_template(
            session, EmailTemplate(name="hello", channel="EMAIL", subject="Hi", text="Hello")
        )
    await _Client(database).suppress(MessageChannel.EMAIL, "jane.doe@example.com")
    channels = ChannelRegistry.outbox_for_all(database)

    def request(endpoint_id: str) -> SendRequest:
        return SendRequest(
            idempotency_key=f"onboarding:{endpoint_id}:first",
            endpoint_id=endpoint_id,
            channel=MessageChannel.EMAIL,
            template="hello",
            journey="onboarding",
            journey_version=1,
            step_id="first",
        )

    jane = await deliver(database, channels, request("jane"))
    john = await deliver(database, channels, request("john"))
    assert (jane.outcome, jane.reason) == (SendOutcome.SKIPPED, SUPPRESSED)
    assert john.outcome is SendOutcome.SENT
    assert await _outbox_addresses(database) == ["John@example.com"]


async def test_a_campaign_batch_skips_addresses_suppressed_in_another_case(
    database: Database,
) -> None:
    # Enough endpoints and suppressions for the planners to prefer the lower(address) index.
    people = [_email(f"p{n:03d}", f"Person.{n}@example.com") for n in range(200)]
    async with database.session() as session:
        await upsert_endpoints(
            session,
            [
                *people,
                _email("jane", "Jane.Doe@example.com"),
                _email("JANE", "JANE.DOE@example.com"),  # another endpoint, the same person
                _email("john", "John@example.com"),
            ],
        )
    client = _Client(database)
    await client.suppress(MessageChannel.EMAIL, "jane.doe@example.com")
    for n in range(0, 200, 2):  # every other person, typed in lower case
        await client.suppress(MessageChannel.EMAIL, f"person.{n}@example.com")
    await client.suppress(MessageChannel.SMS, "+15550100")  # another channel: no effect here
    async with database.session() as session:
        docs = [SEGMENT, TEMPLATE, campaign("promo")]
        await apply_definitions(session, [DEFINITION_ADAPTER.validate_python(d) for d in docs])
    now = datetime.now(UTC)
    started = await start_run(
        database,
        StartRunRequest(campaign="promo", run="once", workflow_id="campaign-promo", now=now),
        "",
        lambda _: None,
    )
    assert started.members == 203

    with statements_run(database) as statements:
        result = await send_batch(
            database,
            ChannelRegistry.outbox_for_all(database),
            SendBatchRequest(
                campaign="promo", run="once", key_prefix="campaign:promo:once", limit=1000,
                now=now, nominal=now,
            ),
        )  # fmt: skip

    assert (result.processed, result.counts.sent, result.counts.skipped) == (203, 101, 102)
    async with database.session() as session:
        rows = await session.execute(
            select(MessageRow.endpoint_id, MessageRow.status, MessageRow.reason).where(
                MessageRow.campaign == "promo"
            )
        )
        logged = {str(e): (str(s), r) for e, s, r in rows.all()}
    assert logged["jane"] == logged["JANE"] == ("SKIPPED", SUPPRESSED)
    assert logged["john"] == ("SENT", None)
    assert logged["p000"] == ("SKIPPED", SUPPRESSED) and logged["p001"] == ("SENT", None)
    outbox = await _outbox_addresses(database)
    assert "Jane.Doe@example.com" not in outbox and "JANE.DOE@example.com" not in outbox
    assert len(outbox) == 101

    [looked_up] = [s for s in statements if "suppressions" in s[0]]
    await assert_looked_up_by_lower_address(database, looked_up)
