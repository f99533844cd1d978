"""SNS-delivered AWS notifications, signed in the test with a certificate served on loopback:
End User Messaging two-way SMS and events, SES bounces and complaints, SES receiving."""

from __future__ import annotations

import base64
import json
from typing import Any

from herald.models import Endpoint, MessageChannel, MessageStatus
from herald.store.messages import claim_message, finish_message
from tests.inbound.conftest import TwoWay, call, sms_endpoint

SNS = "/v1/webhooks/aws/sns"
BOB = "+15555550102"


def test_subscription_is_confirmed_at_the_trusted_host_only(two_way: TwoWay) -> None:
    subscribe = f"{two_way.aws.url}/confirm?Token=token-1"
    confirmed = two_way.http.post(SNS, content=two_way.sns.confirmation(subscribe))
    assert confirmed.status_code == 200
    assert any(r.path.startswith("/confirm") for r in two_way.aws.requests)

    foreign = two_way.sns.sign(json.loads(two_way.sns.confirmation(subscribe)))
    foreign["SigningCertURL"] = "https://evil.example.com/cert.pem"
    assert two_way.http.post(SNS, json=foreign).status_code == 403


def test_eum_two_way_stop_is_recorded_once_and_forgeries_record_nothing(two_way: TwoWay) -> None:
    settings = two_way.settings
    call(settings, lambda h: h.upsert_endpoints([sms_endpoint("bob-sms", BOB)]))
    message = {
        "originationNumber": BOB,
        "destinationNumber": "+15555550000",
        "messageKeyword": "KEYWORD_123",
        "messageBody": "Stop",
        "inboundMessageId": "in-1",
    }
    tampered = json.loads(two_way.sns.notification(message))
    tampered["Message"] = tampered["Message"].replace("Stop", "Yes")
    assert two_way.http.post(SNS, json=tampered).status_code == 401
    assert call(settings, lambda h: h.inbound()) == []

    body = two_way.sns.notification(message, message_id="sns-1")
    answers = [two_way.http.post(SNS, content=body).json()["outcome"] for _ in range(2)]

    assert answers == ["OPTED_OUT", "DUPLICATE"]
    bob = call(settings, lambda h: h.get_endpoint("bob-sms"))
    assert bob is not None and bob.opt_out == "ALL"
    assert len(call(settings, lambda h: h.outbox(endpoint_id="bob-sms"))) == 1


def test_malformed_notifications_name_the_field(two_way: TwoWay) -> None:
    missing = two_way.sns.notification({"originationNumber": BOB, "inboundMessageId": "x"})
    response = two_way.http.post(SNS, content=missing)
    assert response.status_code == 422
    assert "destinationNumber" in response.text
    assert two_way.http.post(SNS, content=b"{not json").status_code == 422


def test_ses_bounce_and_complaint_suppress_and_sms_events_record(two_way: TwoWay) -> None:
    settings = two_way.settings
    cy = Endpoint.model_validate({"Id": "cy", "ChannelType": "EMAIL", "Address": "cy@example.com"})
    call(settings, lambda h: h.upsert_endpoints([cy, sms_endpoint("bob-sms", BOB)]))
    call(settings, lambda h: _sent(h, "k-email", "cy", MessageChannel.EMAIL, "ses-1"))
    call(settings, lambda h: _sent(h, "k-sms", "bob-sms", MessageChannel.SMS, "eum-1"))
    bounce = {
        "notificationType": "Bounce",
        "bounce": {"bounceType": "Permanent", "bounceSubType": "General"},
        "mail": {"messageId": "ses-1"},
    }
    delivered = {"eventType": "TEXT_DELIVERED", "messageId": "eum-1", "eventTimestamp": 1}

    for body in (bounce, bounce, delivered):
        assert two_way.http.post(SNS, content=two_way.sns.notification(body)).is_success

    assert [e.event_type for e in call(settings, lambda h: h.events("cy"))] == ["_email.hardbounce"]
    assert [e.event_type for e in call(settings, lambda h: h.events("bob-sms"))] == ["_SMS.SUCCESS"]
    endpoint = call(settings, lambda h: h.get_endpoint("cy"))
    assert endpoint is not None and endpoint.endpoint_status == "INACTIVE"


def test_ses_received_reply_is_stored_with_the_new_text_only(two_way: TwoWay) -> None:
    settings = two_way.settings
    cy = Endpoint.model_validate({"Id": "cy", "ChannelType": "EMAIL", "Address": "cy@example.com"})
    call(settings, lambda h: h.upsert_endpoints([cy]))
    mime = (
        "From: Cy <Cy@Example.com>\r\nTo: news@acme.test\r\nSubject: Re: hello\r\n"
        "Content-Type: text/plain\r\n\r\nYes please\r\n\r\nOn Mon, Acme wrote:\r\n> hello\r\n"
    )
    received = {
        "notificationType": "Received",
        "mail": {
            "messageId": "rx-1",
            "source": "Cy@Example.com",
            "destination": ["news@acme.test"],
        },
        "receipt": {"action": {"type": "SNS", "encoding": "BASE64"}},
        "content": base64.b64encode(mime.encode()).decode(),
    }
    answer = two_way.http.post(SNS, content=two_way.sns.notification(received)).json()
    assert (answer["outcome"], answer["endpoint_ids"]) == ("STORED", ["cy"])
    [event] = call(settings, lambda h: h.events("cy"))
    assert (event.event_type, event.attributes["message_body"]) == ("_email.reply", "Yes please")


async def _sent(herald: Any, key: str, endpoint: str, channel: MessageChannel, pid: str) -> None:
    async with herald.database.session() as session:
        await claim_message(session, idempotency_key=key, channel=channel, endpoint_id=endpoint)
        await finish_message(session, key, MessageStatus.SENT, provider_message_id=pid)
