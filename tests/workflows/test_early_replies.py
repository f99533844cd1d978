"""A reply to a message counts from the message, not from when the participant reaches its
`wait_for_reply`: one texted during a split's evaluation wait takes its branch, and a reply
one wait took is not taken again by the next."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from herald.inbound.models import InboundMessage, InboundOutcome
from tests.workflows.engine import Engine, endpoint, journey, template

NUMBER = "+15555550160"


def wait_for_reply(on_yes: str, on_timeout: str) -> dict[str, Any]:
    return {
        "type": "wait_for_reply",
        "after_step": "ask",
        "branches": [{"keywords": ["YES"], "next": on_yes}],
        "timeout": "P2D",
        "on_timeout": on_timeout,
    }


ASK = {"type": "send", "channel": "SMS", "template": "ask", "next": "check"}
# Give the question an hour to be delivered; either way, then listen for the answer.
CHECK = {
    "type": "split",
    "conditions": [{"kind": "engagement", "step": "ask", "engagement": "delivered"}],
    "evaluation_wait": "PT1H",
    "yes": "answer",
    "no": "answer",
}
EXITS = {"glad": {"type": "exit"}, "nudge": {"type": "exit"}}


async def text_yes(engine: Engine, message_id: str) -> None:
    got = await engine.herald.receive(
        InboundMessage(
            provider="twilio",
            provider_message_id=message_id,
            channel="SMS",
            from_address=NUMBER,
            to_address=None,
            text="Yes",
        )
    )
    assert (got.outcome, got.routed_to) == (InboundOutcome.ROUTED, 1)


async def start(engine: Engine, name: str, steps: dict[str, Any]) -> None:
    await engine.apply(
        endpoint("rae", ChannelType="SMS", Address=NUMBER),
        template("ask", "SMS"),
        journey(name, "ask", steps),
    )
    await engine.herald.enter(name, "rae")
    await engine.waiting(name, "rae", on="check")


async def test_an_answer_during_the_split_takes_its_branch_when_the_wait_begins(
    engine: Engine,
) -> None:
    steps = {"ask": ASK, "check": CHECK, "answer": wait_for_reply("glad", "nudge"), **EXITS}
    await start(engine, "rsvp-early", steps)
    await engine.skip(timedelta(minutes=10))
    await text_yes(engine, "SM-early-1")  # ten minutes after the question, in the split's hour

    await engine.skip(timedelta(hours=1))
    result = await engine.finish("rsvp-early", "rae")
    assert engine.path(result) == ["ask", "check", "answer", "glad"]
    assert result.visits[2].outcome == "reply 'Yes'"


async def test_a_reply_one_wait_took_is_not_taken_again_by_the_next(engine: Engine) -> None:
    """Two waits for replies to the same question: the second waits for a reply of its own."""
    steps = {
        "ask": ASK,
        "check": CHECK,
        "answer": wait_for_reply("confirm", "nudge"),
        "confirm": wait_for_reply("again", "glad"),
        "again": {"type": "exit"},
        **EXITS,
    }
    await start(engine, "rsvp-twice", steps)
    await text_yes(engine, "SM-twice-1")
    await engine.skip(timedelta(hours=1))
    await engine.waiting("rsvp-twice", "rae", on="confirm")

    await engine.skip(timedelta(days=2, minutes=1))
    result = await engine.finish("rsvp-twice", "rae")
    assert engine.path(result) == ["ask", "check", "answer", "confirm", "glad"]
    assert result.visits[3].outcome == "timed out"
