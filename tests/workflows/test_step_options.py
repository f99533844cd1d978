"""Split options: ANY against ALL, an event condition's `within` window, and engagement
with an earlier send by click, delivery receipt and reply."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from herald.inbound.models import InboundMessage, Receipt
from herald.models import Event, MessageRecord
from tests.workflows.engine import Engine, endpoint, journey, template


def split(conditions: list[dict[str, Any]], match: str = "ALL", **extra: Any) -> dict[str, Any]:
    return {
        "check": {
            "type": "split",
            "match": match,
            "conditions": conditions,
            "yes": "y",
            "no": "n",
            **extra,
        },
        "y": {"type": "exit"},
        "n": {"type": "exit"},
    }


async def test_any_takes_yes_on_one_true_condition_where_all_takes_no(engine: Engine) -> None:
    conditions: list[dict[str, Any]] = [
        {"kind": "attribute", "name": "Plan", "values": ["pro"]},  # true
        {"kind": "metric", "name": "spend", "op": "ge", "value": 100},  # false
    ]
    await engine.apply(
        endpoint("half", Attributes={"Plan": ["pro"]}, Metrics={"spend": 5}),
        endpoint("none", Attributes={"Plan": ["free"]}, Metrics={"spend": 5}),
        journey("any-of", "check", split(conditions, "ANY")),
        journey("all-of", "check", split(conditions, "ALL")),
    )
    assert await engine.run_through("any-of", "half") == ["check", "y"]
    assert await engine.run_through("all-of", "half") == ["check", "n"]
    assert await engine.run_through("any-of", "none") == ["check", "n"]


async def test_event_condition_within_a_window_counts_events_before_entry(
    engine: Engine,
) -> None:
    within = [{"kind": "event", "event_type": "login", "within": "P1D"}]
    await engine.apply(
        endpoint("recent"), endpoint("stale"), journey("within", "check", split(within))
    )
    now = await engine.now()
    # Both logged in before entering: only the login inside the last day counts.
    for who, ago in (("recent", timedelta(hours=2)), ("stale", timedelta(days=2))):
        await engine.herald.put_event(
            Event(endpoint_id=who, event_type="login", timestamp=now - ago)
        )
    assert await engine.run_through("within", "recent") == ["check", "y"]
    assert await engine.run_through("within", "stale") == ["check", "n"]


def engaged(step: str, engagement: str, channel: str = "EMAIL") -> dict[str, Any]:
    return {
        "mail": {"type": "send", "channel": channel, "template": "m", "next": "check"},
        **split(
            [{"kind": "engagement", "step": "mail", "engagement": engagement}],
            evaluation_wait="P1D",
        ),
    }


async def _sent_to(engine: Engine, name: str, *people: str) -> dict[str, MessageRecord]:
    """Enter each, wait for the split's evaluation wait: the message each was sent."""
    for who in people:
        await engine.herald.enter(name, who)
        await engine.waiting(name, who, on="check")
    return {m.endpoint_id: m for m in await engine.herald.messages(journey=name)}


async def _paths(engine: Engine, name: str, *people: str) -> list[list[str]]:
    await engine.skip(timedelta(days=1, minutes=1))
    return [engine.path(await engine.finish(name, who)) for who in people]


async def test_engagement_clicked(engine: Engine) -> None:
    await engine.apply(
        endpoint("clicker"),
        endpoint("opener"),
        template("m"),
        journey("clicks", "mail", engaged("mail", "clicked")),
    )
    sent = await _sent_to(engine, "clicks", "clicker", "opener")
    at = await engine.now()
    for who, event_type in (("clicker", "_email.click"), ("opener", "_email.open")):
        message_id = sent[who].provider_message_id
        assert message_id is not None
        await engine.herald.put_event(
            Event(
                endpoint_id=who,
                event_type=event_type,
                attributes={"message_id": message_id},
                timestamp=at,
            )
        )
    assert await _paths(engine, "clicks", "clicker", "opener") == [
        ["mail", "check", "y"],
        ["mail", "check", "n"],
    ]


async def test_engagement_delivered_by_a_provider_receipt(engine: Engine) -> None:
    await engine.apply(
        endpoint("got-it"),
        endpoint("in-limbo"),
        template("m"),
        journey("receipts", "mail", engaged("mail", "delivered")),
    )
    sent = await _sent_to(engine, "receipts", "got-it", "in-limbo")
    recorded = await engine.herald.record_receipt(
        Receipt(
            provider="outbox",
            receipt_id="dlv-1",
            event_type="_email.delivered",
            idempotency_key=sent["got-it"].idempotency_key,
            timestamp=await engine.now(),
        )
    )
    assert recorded is not None
    assert await _paths(engine, "receipts", "got-it", "in-limbo") == [
        ["mail", "check", "y"],
        ["mail", "check", "n"],
    ]


async def test_engagement_replied_to_an_earlier_sms(engine: Engine) -> None:
    numbers = {"talker": "+15555550161", "mute": "+15555550162", "early": "+15555550163"}
    await engine.apply(
        *(endpoint(who, ChannelType="SMS", Address=number) for who, number in numbers.items()),
        template("m", "SMS"),
        journey("replies", "mail", engaged("mail", "replied", "SMS")),
    )

    async def text(who: str, n: int, at: datetime) -> None:
        message = InboundMessage(
            provider="twilio",
            provider_message_id=f"SM-reply-{n}",
            channel="SMS",
            from_address=numbers[who],
            text="sounds good",
            received_at=at,
        )
        await engine.herald.receive(message)

    # `early` texted a minute before the journey's message: no answer to it.
    await text("early", 1, await engine.now() - timedelta(minutes=1))
    await _sent_to(engine, "replies", "talker", "mute", "early")
    await text("talker", 2, await engine.now())
    assert await _paths(engine, "replies", "talker", "mute", "early") == [
        ["mail", "check", "y"],
        ["mail", "check", "n"],
        ["mail", "check", "n"],
    ]


async def test_an_email_reply_does_not_answer_a_users_sms_step(engine: Engine) -> None:
    user = {"UserId": "kim", "UserAttributes": {}}
    await engine.apply(
        endpoint("kim-phone", ChannelType="SMS", Address="+15555550164", User=user),
        endpoint("kim-mail", User=user),
        template("m", "SMS"),
        journey(
            "user-replies",
            "mail",
            engaged("mail", "replied", "SMS"),
            entry={"participant": "user"},
        ),
    )
    await engine.herald.enter("user-replies", user_id="kim")
    await engine.waiting("user-replies", "kim", on="check")
    await engine.herald.receive(
        InboundMessage(
            provider="ses",
            provider_message_id="mail-reply-1",
            channel="EMAIL",
            from_address="kim-mail@example.com",
            text="about your text",
            received_at=await engine.now(),
        )
    )
    assert await _paths(engine, "user-replies", "kim") == [["mail", "check", "n"]]
