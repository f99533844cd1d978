"""App events and replies reach a participant by the version it runs, which keeps the version
it entered: a newer version that waits for something else changes nothing for it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from herald.models import Event
from herald.models.journey_run import ReplySignal
from tests.workflows.engine import Engine, endpoint, journey, template


async def test_an_event_reaches_a_participant_on_an_older_version(engine: Engine) -> None:
    """A participant keeps the version it entered (README): one waiting on version 1 for
    `purchase` must still get a `purchase` after version 2 waits for something else."""
    name = "older-event"

    def steps(event_type: str) -> dict[str, object]:
        return {
            "wait": {
                "type": "wait_for_event",
                "event_type": event_type,
                "timeout": "P1D",
                "on_event": "bought",
                "on_timeout": "idle",
            },
            "bought": {"type": "exit"},
            "idle": {"type": "exit"},
        }

    await engine.apply(endpoint("buyer"), journey(name, "wait", steps("purchase")))
    await engine.herald.enter(name, "buyer")
    await engine.waiting(name, "buyer", on="wait")
    await engine.apply(journey(name, "wait", steps("checkout")))  # version 2
    await engine.herald.put_event(Event(endpoint_id="buyer", event_type="purchase"))
    await engine.skip(timedelta(days=1, minutes=1))
    result = await engine.finish(name, "buyer")
    assert result.version == 1
    assert engine.path(result) == ["wait", "bought"]


async def test_an_reply_reaches_a_participant_on_an_older_version(engine: Engine) -> None:
    """One waiting for a reply on version 1 must get it after version 2 dropped the
    wait_for_reply step."""
    name = "older-reply"
    v1 = {
        "ask": {"type": "send", "channel": "SMS", "template": "ask", "next": "answer"},
        "answer": {
            "type": "wait_for_reply",
            "after_step": "ask",
            "branches": [{"keywords": ["YES"], "next": "glad"}],
            "on_other_reply": "huh",
            "timeout": "P1D",
            "on_timeout": "nudge",
        },
        "glad": {"type": "exit"},
        "huh": {"type": "exit"},
        "nudge": {"type": "exit"},
    }
    v2 = {
        "ask": {"type": "send", "channel": "SMS", "template": "ask", "next": "answer"},
        "answer": {"type": "wait", "duration": "P1D"},
    }
    who = "texter"
    await engine.apply(
        endpoint(who, ChannelType="SMS", Address="+15555550177"),
        template("ask", "SMS"),
        journey(name, "ask", v1),
    )
    await engine.herald.enter(name, who)
    await engine.waiting(name, who, on="answer")
    await engine.apply(journey(name, "ask", v2))
    reply = ReplySignal(
        id="r1", channel="SMS", text="yes", from_address="+15555550177",
        received_at=datetime.now(UTC),
    )  # fmt: skip
    delivered = await engine.herald.deliver_reply(who, reply)
    await engine.skip(timedelta(days=1, minutes=1))
    result = await engine.finish(name, who)
    assert result.version == 1
    assert engine.path(result) == ["ask", "answer", "glad"], f"delivered to {delivered}"
