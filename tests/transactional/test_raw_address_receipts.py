"""Receipts of transactional sends to raw addresses and of one-time passwords, end to end on
the dev server: the message log keeps the address each went to (there is no endpoint row), so
a carrier STOP or a hard bounce suppresses it, and the next request to it is not sent."""

from __future__ import annotations

from sqlalchemy import select

from herald.client import HeraldClient
from herald.inbound.models import Receipt
from herald.models import AddressProblem, MessageChannel, MessageStatus
from herald.models.otp import OtpRequest
from herald.models.transactional import MessageRequest, RecipientStatus
from herald.store.tables import MessageRow
from tests.transactional.conftest import Running

NUMBER = "+15555550177"
MAILBOX = "gone@example.com"


def _order(request_id: str) -> MessageRequest:
    return MessageRequest.model_validate(
        {
            "request_id": request_id,
            "addresses": {"+1 555 555 0177": {"channel": "SMS"}},
            "content": {"SMS": {"body": "Order shipped"}},
        }
    )


def _otp(reference: str) -> OtpRequest:
    return OtpRequest.model_validate(
        {
            "destination_identity": MAILBOX,
            "reference_id": reference,
            "brand_name": "Acme",
            "channel": "EMAIL",
        }
    )


def _stopped(key: str) -> Receipt:
    """Twilio's 21610 status callback: the message named by its key, and no `To`."""
    return Receipt(
        provider="twilio", receipt_id="SM1:undelivered", event_type="_SMS.FAILURE",
        idempotency_key=key, provider_message_id="SM1", suppress=AddressProblem.OPTED_OUT,
        detail="Twilio undelivered (error 21610)",
    )  # fmt: skip


def _bounced(provider_message_id: str) -> Receipt:
    """An SES hard bounce naming the message by the provider's id, and no recipient."""
    return Receipt(
        provider="ses", receipt_id=f"{provider_message_id}:Bounce",
        event_type="_email.hardbounce", provider_message_id=provider_message_id,
        suppress=AddressProblem.INVALID, detail="Permanent bounce (General)",
    )  # fmt: skip


async def _logged_address(herald: HeraldClient, key: str) -> str | None:
    async with herald.database.session() as session:
        found = await session.execute(
            select(MessageRow.address).where(MessageRow.idempotency_key == key)
        )
        return found.scalar_one()


async def test_a_stop_for_a_raw_number_suppresses_it_for_the_next_request(
    herald_running: Running,
) -> None:
    async with herald_running(None) as herald:
        [first] = (await herald.send_messages(_order("order-1"))).results
        assert first.status is RecipientStatus.ACCEPTED and first.message_id is not None
        logged = await _logged_address(herald, first.message_id)
        recorded = await herald.record_receipt(_stopped(first.message_id))
        [again] = (await herald.send_messages(_order("order-2"))).results
        suppressed = await herald.suppressions(MessageChannel.SMS)
        messages = {m.idempotency_key: m for m in await herald.messages()}

    assert logged == NUMBER
    assert recorded is not None
    assert [(s.address, s.reason) for s in suppressed] == [(NUMBER, "OPTED_OUT")]
    assert again.status is RecipientStatus.SUPPRESSED
    receipt = messages[first.message_id]
    assert (receipt.status, receipt.reason) == (
        MessageStatus.SENT,
        "receipt _SMS.FAILURE: Twilio undelivered (error 21610)",
    )


async def test_a_bounce_of_a_one_time_password_suppresses_its_address(
    herald_running: Running,
) -> None:
    async with herald_running(None) as herald:
        sent = (await herald.send_otp(_otp("login-1"))).result
        assert sent is not None and sent.message_id and sent.provider_message_id
        logged = await _logged_address(herald, sent.message_id)
        recorded = await herald.record_receipt(_bounced(sent.provider_message_id))
        again = (await herald.send_otp(_otp("login-2"))).result
        suppressed = await herald.suppressions(MessageChannel.EMAIL)

    assert logged == MAILBOX
    assert recorded is not None
    assert [(s.address, s.reason) for s in suppressed] == [(MAILBOX, "INVALID")]
    assert again is not None and again.status is RecipientStatus.SUPPRESSED
