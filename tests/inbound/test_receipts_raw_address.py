"""Delivery receipts of messages sent to raw addresses: a transactional `POST /v1/messages`
with `addresses` (and a one-time password) logs the message with the address itself as its
endpoint id and no endpoint row. A hard bounce or a carrier STOP (Twilio 21610) for such a
message still suppresses the address, so the next send to it is skipped; the webhook answers
200 (the provider retries anything else for days) and the receipt, which has no endpoint to
be an event of, is written on the message's log row."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from twilio.request_validator import RequestValidator

from herald.channels import ChannelRegistry
from herald.client import HeraldClient
from herald.delivery import deliver
from herald.models import (
    ChannelType,
    DeliveryResult,
    DeliveryStatus,
    EmailTemplate,
    Endpoint,
    MessageChannel,
    MessageStatus,
    OutgoingMessage,
    SendOutcome,
    SendRequest,
    SendResult,
    SmsTemplate,
)
from herald.store.messages import claim_message, finish_message
from tests.inbound.conftest import TWILIO_TOKEN, TwoWay, call

SNS = "/v1/webhooks/aws/sns"
GONE = "gone@example.com"
STOPPED = "+15555550188"
CONTENT = {
    MessageChannel.EMAIL: EmailTemplate(
        name="inline-email", channel="EMAIL", subject="Order", text="Shipped"
    ),
    MessageChannel.SMS: SmsTemplate(name="inline-sms", channel="SMS", body="Shipped"),
}


class _Provider:
    """Takes every message, under one provider message id."""

    name = "fake"

    def __init__(self, provider_message_id: str) -> None:
        self.provider_message_id = provider_message_id

    async def send(self, messages: Sequence[OutgoingMessage]) -> list[DeliveryResult]:
        return [
            DeliveryResult(
                idempotency_key=m.idempotency_key,
                status=DeliveryStatus.ACCEPTED,
                provider=self.name,
                provider_message_id=self.provider_message_id,
            )
            for m in messages
        ]


def _send_to_address(
    channel: MessageChannel, key: str, address: str, provider_id: str
) -> Callable[[HeraldClient], Awaitable[SendResult]]:
    """As a transactional send to `addresses` goes (herald.transactional.plan._plan_address,
    workflows.transactional): an unsaved endpoint whose id is the address."""

    async def go(herald: HeraldClient) -> SendResult:
        endpoint = Endpoint(id=address, channel_type=ChannelType(channel.value), address=address)
        request = SendRequest(
            idempotency_key=key,
            endpoint_id=address,
            channel=channel,
            template=CONTENT[channel].name,
            endpoint=endpoint,
            content=CONTENT[channel],
        )
        channels = ChannelRegistry({channel: _Provider(provider_id)})
        return await deliver(herald.database, channels, request)

    return go


def _suppressed(two_way: TwoWay, channel: MessageChannel) -> list[tuple[str, str]]:
    rows = call(two_way.settings, lambda h: h.suppressions(channel))
    return [(s.address, s.reason) for s in rows]


def _logged(two_way: TwoWay, key: str) -> tuple[MessageStatus, str | None]:
    [message] = [
        m for m in call(two_way.settings, lambda h: h.messages()) if m.idempotency_key == key
    ]
    return message.status, message.reason


def _twilio_status(two_way: TwoWay, key: str, form: dict[str, str]) -> Any:
    path = f"/v1/webhooks/twilio/status?herald_key={key}"
    url = f"{two_way.http.base_url}{path}".replace("//v1", "/v1")
    signed = RequestValidator(TWILIO_TOKEN).compute_signature(url, form)
    return two_way.http.post(path, data=form, headers={"X-Twilio-Signature": signed})


def test_an_ses_hard_bounce_of_a_raw_address_suppresses_it(two_way: TwoWay) -> None:
    sent = _send_to_address(MessageChannel.EMAIL, "message:order-1:0", GONE, "ses-raw-1")
    assert call(two_way.settings, sent).outcome is SendOutcome.SENT
    bounce = {
        "notificationType": "Bounce",
        "bounce": {
            "bounceType": "Permanent",
            "bounceSubType": "General",
            "bouncedRecipients": [{"emailAddress": GONE}],
        },
        "mail": {"messageId": "ses-raw-1", "destination": [GONE]},
    }
    for _ in range(2):  # SNS retries a notification it got no answer to
        answer = two_way.http.post(SNS, content=two_way.sns.notification(bounce))
        assert (answer.status_code, answer.json()) == (200, {"status": "recorded"})

    assert _suppressed(two_way, MessageChannel.EMAIL) == [(GONE, "INVALID")]
    assert _logged(two_way, "message:order-1:0") == (
        MessageStatus.SENT,
        "receipt _email.hardbounce: Permanent bounce (General)",
    )
    # The send's own event only: with no endpoint, the receipt is no event.
    events = call(two_way.settings, lambda h: h.events(GONE))
    assert [e.event_type for e in events] == ["_email.send"]
    again = _send_to_address(MessageChannel.EMAIL, "message:order-2:0", GONE, "ses-raw-2")
    skipped = call(two_way.settings, again)
    assert (skipped.outcome, skipped.reason) == (
        SendOutcome.SKIPPED,
        "address suppressed on EMAIL: INVALID",
    )


def test_a_twilio_21610_for_a_raw_number_suppresses_it(two_way: TwoWay) -> None:
    key = "message:order-3:0"
    call(two_way.settings, _send_to_address(MessageChannel.SMS, key, STOPPED, "SM-raw-1"))
    # No `To`: the number is the one the message log recorded when it was sent.
    form = {"MessageSid": "SM-raw-1", "MessageStatus": "undelivered", "ErrorCode": "21610"}

    answer = _twilio_status(two_way, key, form)

    assert answer.status_code == 200, answer.text
    assert _suppressed(two_way, MessageChannel.SMS) == [(STOPPED, "OPTED_OUT")]
    assert _logged(two_way, key) == (
        MessageStatus.SENT,
        "receipt _SMS.FAILURE: Twilio undelivered (error 21610)",
    )


def test_a_delivered_receipt_of_a_raw_number_is_answered_and_logged(two_way: TwoWay) -> None:
    key = "message:order-4:0"
    call(two_way.settings, _send_to_address(MessageChannel.SMS, key, STOPPED, "SM-raw-2"))

    answer = _twilio_status(two_way, key, {"MessageSid": "SM-raw-2", "MessageStatus": "delivered"})

    assert answer.status_code == 200, answer.text
    assert _suppressed(two_way, MessageChannel.SMS) == []
    assert _logged(two_way, key) == (MessageStatus.SENT, "receipt _SMS.SUCCESS: Twilio delivered")


def test_a_stop_of_a_raw_number_logged_without_its_address_suppresses_twilios_to(
    two_way: TwoWay,
) -> None:
    """A message logged before the log kept addresses (revision 0018): Twilio's `To`."""
    key = "message:order-5:0"

    async def logged_before_0018(herald: HeraldClient) -> None:
        async with herald.database.session() as session:
            await claim_message(
                session, idempotency_key=key, channel=MessageChannel.SMS, endpoint_id=STOPPED
            )
            await finish_message(session, key, MessageStatus.SENT, provider_message_id="SM-old")

    call(two_way.settings, logged_before_0018)
    form = {
        "MessageSid": "SM-old",
        "MessageStatus": "undelivered",
        "ErrorCode": "21610",
        "To": STOPPED,
    }

    assert _twilio_status(two_way, key, form).status_code == 200
    assert _suppressed(two_way, MessageChannel.SMS) == [(STOPPED, "OPTED_OUT")]
