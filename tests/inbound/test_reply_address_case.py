"""An email reply reaches its endpoint whatever case the sender's mail client writes the
address in: endpoints keep the local part's capitals (`Jane.Doe@example.com`), mail systems
treat it case-insensitively, and a reply may come from `JANE.DOE@Example.COM`."""

from __future__ import annotations

import base64
import json

from herald.inbound import generic
from herald.inbound.models import InboundOutcome
from herald.models import Endpoint
from tests.inbound.conftest import TwoWay, call, signed_post
from tests.workflows.engine import Engine, ask_yes, endpoint, journey, template

JANE = "Jane.Doe@example.com"
SNS = "/v1/webhooks/aws/sns"


def jane() -> Endpoint:
    return Endpoint.model_validate({"Id": "jane", "ChannelType": "EMAIL", "Address": JANE})


def email_reply(message_id: str, sender: str) -> dict[str, str]:
    return {"id": message_id, "channel": "EMAIL", "from": sender, "text": "yes please"}


def test_generic_email_reply_in_another_case_reaches_its_endpoint(two_way: TwoWay) -> None:
    call(two_way.settings, lambda h: h.upsert_endpoints([jane()]))

    answered = signed_post(two_way.http, email_reply("m1", "JANE.DOE@Example.COM"))

    assert answered.status_code == 200, answered.text
    assert (answered.json()["outcome"], answered.json()["endpoint_ids"]) == ("STORED", ["jane"])
    assert [e.event_type for e in call(two_way.settings, lambda h: h.events("jane"))] == [
        "_email.reply"
    ]
    # Recorded in the form endpoints are stored in: the domain lower-cased, the local part
    # as the sender wrote it.
    [stored] = call(two_way.settings, lambda h: h.inbound())
    assert stored.from_address == "JANE.DOE@example.com"


def test_generic_email_reply_from_no_address_is_kept_as_an_unknown_sender(
    two_way: TwoWay,
) -> None:
    call(two_way.settings, lambda h: h.upsert_endpoints([jane()]))

    answered = signed_post(two_way.http, email_reply("m2", "Mailer-Daemon"))

    assert answered.status_code == 200, answered.text
    assert answered.json()["outcome"] == "UNKNOWN_SENDER"
    [stored] = call(two_way.settings, lambda h: h.inbound())
    assert stored.from_address == "mailer-daemon"


def test_ses_reply_in_another_case_reaches_its_endpoint(two_way: TwoWay) -> None:
    call(two_way.settings, lambda h: h.upsert_endpoints([jane()]))
    mime = (
        "From: Jane <jane.doe@EXAMPLE.COM>\r\nTo: news@acme.test\r\nSubject: Re: hello\r\n"
        "Content-Type: text/plain\r\n\r\nYes please\r\n"
    )
    received = {
        "notificationType": "Received",
        "mail": {
            "messageId": "rx-jane",
            "source": "jane.doe@EXAMPLE.COM",
            "destination": ["news@acme.test"],
        },
        "receipt": {"action": {"type": "SNS", "encoding": "BASE64"}},
        "content": base64.b64encode(mime.encode()).decode(),
    }

    answer = two_way.http.post(SNS, content=two_way.sns.notification(received)).json()

    assert (answer["outcome"], answer["endpoint_ids"]) == ("STORED", ["jane"])
    [stored] = call(two_way.settings, lambda h: h.inbound())
    assert stored.from_address == "jane.doe@example.com"


ASK = ask_yes("EMAIL")


async def test_email_reply_in_another_case_answers_the_waiting_journey(engine: Engine) -> None:
    await engine.apply(
        endpoint("jane", Address=JANE), template("ask"), journey("newsletter-ask", "ask", ASK)
    )
    await engine.herald.enter("newsletter-ask", "jane")
    await engine.waiting("newsletter-ask", "jane", on="answer")

    # Read by the generic webhook's parser, as a signed POST would be.
    body = json.dumps(email_reply("m3", "jane.doe@Example.com")).encode()
    result = await engine.herald.receive(generic.parse(body))

    assert (result.outcome, result.endpoint_ids) == (InboundOutcome.ROUTED, ["jane"])
    finished = await engine.finish("newsletter-ask", "jane")
    assert engine.path(finished) == ["ask", "answer", "glad"]
