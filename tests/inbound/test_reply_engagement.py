"""A reply is engagement with the message it answers, "the last message sent to the endpoint
on the channel" (herald.store.inbound.answered_messages); Herald's own answers to keywords
are not that message. A person who texts HELP, gets the help text and then answers the
journey's question has replied to the question, and a split on `replied` to it says yes."""

from __future__ import annotations

from datetime import timedelta

from herald.inbound.models import InboundMessage, InboundOutcome
from tests.workflows.engine import Engine, endpoint, journey, template

NUMBER = "+15555550170"
STEPS = {
    "ask": {"type": "send", "channel": "SMS", "template": "ask", "next": "check"},
    "check": {
        "type": "split",
        "conditions": [{"kind": "engagement", "step": "ask", "engagement": "replied"}],
        "evaluation_wait": "P1D",
        "yes": "thanks",
        "no": "remind",
    },
    "thanks": {"type": "exit"},
    "remind": {"type": "send", "channel": "SMS", "template": "ask"},
}


def _text(n: int, text: str) -> InboundMessage:
    return InboundMessage(
        provider="twilio",
        provider_message_id=f"SM-help-{n}",
        channel="SMS",
        from_address=NUMBER,
        to_address=None,
        text=text,
    )


async def test_a_reply_after_help_counts_as_replying_to_the_question(engine: Engine) -> None:
    await engine.apply(
        endpoint("hal", ChannelType="SMS", Address=NUMBER),
        template("ask", "SMS"),
        journey("rsvp-help", "ask", STEPS),
    )
    await engine.herald.enter("rsvp-help", "hal")
    await engine.waiting("rsvp-help", "hal", on="check")
    [question] = await engine.herald.messages(journey="rsvp-help")

    helped = await engine.herald.receive(_text(1, "HELP"))
    assert helped.outcome is InboundOutcome.HELP
    answered = await engine.herald.receive(_text(2, "Yes, I'll be there"))
    assert answered.outcome in (InboundOutcome.STORED, InboundOutcome.ROUTED)

    [reply] = await engine.herald.events("hal", "_SMS.RECEIVED")
    assert reply.attributes["message_key"] == question.idempotency_key, reply.attributes
    await engine.skip(timedelta(days=1, minutes=1))
    result = await engine.finish("rsvp-help", "hal")
    assert engine.path(result) == ["ask", "check", "thanks"]
