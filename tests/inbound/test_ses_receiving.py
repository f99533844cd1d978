"""An SES-received reply is from the address in its From header and came to the address the
receipt rule received it for (`receipt.recipients`), whatever else the email's envelope and
headers name: the envelope sender (`mail.source`, the Return-Path) differs with a "send mail
as" alias, a forwarder's SRS address or a bounce address, and `mail.destination` lists every
To and Cc, so a reply-all may name someone else first."""

from __future__ import annotations

import base64
from typing import Any

import pytest

from herald.inbound import aws
from herald.inbound.models import InboundOutcome
from herald.models import Endpoint
from tests.inbound.conftest import TwoWay, call
from tests.workflows.engine import Engine, endpoint, journey

SNS = "/v1/webhooks/aws/sns"
OURS = "news@acme.test"
STEPS = {
    "ask": {"type": "send", "channel": "EMAIL", "template": "ask-mail", "next": "answer"},
    "answer": {
        "type": "wait_for_reply",
        "after_step": "ask",
        "branches": [{"keywords": ["YES"], "next": "glad"}],
        "on_other_reply": "huh",
        "timeout": "P2D",
        "on_timeout": "nudge",
    },
    "glad": {"type": "exit"},
    "huh": {"type": "exit"},
    "nudge": {"type": "exit"},
}
TEMPLATE = {
    "kind": "Template",
    "name": "ask-mail",
    "channel": "EMAIL",
    "subject": "Coming to the launch?",
    "text": "Reply YES to come.",
    "from_address": OURS,
}


def _reply_all(n: int, to: list[str], cc: list[str]) -> dict[str, object]:
    mime = (
        f"From: Cy <cy@example.com>\r\nTo: {', '.join(to)}\r\nCc: {', '.join(cc)}\r\n"
        "Subject: Re: Coming to the launch?\r\nContent-Type: text/plain\r\n\r\nYes, both of us\r\n"
    )
    return {
        "notificationType": "Received",
        "mail": {"messageId": f"rx-all-{n}", "source": "cy@example.com", "destination": to + cc},
        "receipt": {"recipients": [OURS], "action": {"type": "SNS", "encoding": "BASE64"}},
        "content": base64.b64encode(mime.encode()).decode(),
    }


async def test_a_reply_all_reaches_the_journey_that_emailed_from_our_address(
    engine: Engine,
) -> None:
    await engine.apply(endpoint("cy"), TEMPLATE, journey("launch", "ask", STEPS))
    await engine.herald.enter("launch", "cy")
    await engine.waiting("launch", "cy", on="answer")
    [sent] = await engine.herald.messages(journey="launch")
    assert sent.origin == OURS

    # Cy answers and adds her colleague ahead of us in To.
    reply_all = _reply_all(1, to=["dan@example.com", OURS], cc=[])
    got = await engine.herald.receive(aws.ses_received(reply_all))
    assert (got.outcome, got.routed_to) == (InboundOutcome.ROUTED, 1)
    assert engine.path(await engine.finish("launch", "cy")) == ["ask", "answer", "glad"]


def test_a_reply_is_from_the_address_in_its_from_header(two_way: TwoWay) -> None:
    cy = Endpoint.model_validate({"Id": "cy", "ChannelType": "EMAIL", "Address": "cy@example.com"})
    call(two_way.settings, lambda h: h.upsert_endpoints([cy]))
    mime = (
        "Return-Path: <cy.home@gmail.com>\r\nFrom: Cy <cy@example.com>\r\n"
        "To: news@acme.test\r\nSubject: Re: hello\r\nContent-Type: text/plain\r\n\r\nYes please\r\n"
    )
    received = {
        "notificationType": "Received",
        "mail": {
            "messageId": "rx-alias-1",
            "source": "cy.home@gmail.com",  # the envelope sender
            "destination": ["news@acme.test"],
            "commonHeaders": {"from": ["Cy <cy@example.com>"], "to": ["news@acme.test"],
                              "returnPath": "cy.home@gmail.com", "subject": "Re: hello"},
        },
        "receipt": {"recipients": ["news@acme.test"],
                    "action": {"type": "SNS", "encoding": "BASE64"}},
        "content": base64.b64encode(mime.encode()).decode(),
    }  # fmt: skip
    answer = two_way.http.post(SNS, content=two_way.sns.notification(received)).json()
    assert (answer["outcome"], answer["endpoint_ids"]) == ("STORED", ["cy"])
    [stored] = call(two_way.settings, lambda h: h.inbound())
    assert (stored.from_address, stored.to_address) == ("cy@example.com", "news@acme.test")


@pytest.mark.parametrize(
    ("mail", "receipt", "sender", "to"),
    [
        # Both in the notification: the From header's address, the first rule recipient.
        ({"source": "bounce+x@lists.test", "destination": ["dan@example.com", OURS],
          "commonHeaders": {"from": ['"Dy, Cy" <Cy@Example.COM>']}},
         {"recipients": ["Help@Acme.test", OURS]}, "Cy@example.com", "help@acme.test"),
        # Neither: the envelope sender, the first header recipient.
        ({"source": "cy@example.com", "destination": [OURS, "dan@example.com"]}, {},
         "cy@example.com", OURS),
        # A From that names no address.
        ({"source": "cy@example.com", "commonHeaders": {"from": ["undisclosed-recipients"]}},
         {}, "cy@example.com", None),
    ],
    ids=["from-header-and-recipients", "fallbacks", "from-without-address"],
)  # fmt: skip
def test_the_sender_and_recipient_of_an_ses_notification(
    mail: dict[str, Any], receipt: dict[str, Any], sender: str, to: str | None
) -> None:
    message = {"notificationType": "Received", "mail": {"messageId": "rx", **mail},
               "receipt": receipt}  # fmt: skip
    got = aws.ses_received(message)
    assert (got.from_address, got.to_address) == (sender, to)
