"""Every example in journeys/ applies cleanly and runs as its comments say."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest
from rich.console import Console

from herald.definitions import load_files
from herald.demo import load_demo
from herald.models import EndpointDefinition, Event, OutboxMessage
from herald.models.journey_run import ReplySignal
from tests.helpers import eventually
from tests.workflows.engine import Engine

EXAMPLES = Path(__file__).resolve().parent.parent / "journeys"


@pytest.fixture
def engine(own_server_engine: Engine) -> Engine:
    """Every test here loads the same examples, so workflow ids repeat: a server per test."""
    return own_server_engine


async def load(engine: Engine) -> None:
    await engine.herald.apply(load_files([EXAMPLES]))


async def test_welcome_series_tips_openers_by_email_and_nudges_the_others_by_sms(
    engine: Engine,
) -> None:
    await load(engine)
    for who in ("ann", "bob"):
        await engine.herald.enter("welcome", user_id=who)
        await engine.waiting("welcome", who, on="settle")
    [to_bob] = [m for m in await engine.outbox("welcome") if m.endpoint_id == "bob-email"]
    opened = Event(
        endpoint_id="bob-email",
        event_type="_email.open",
        attributes={"message_key": to_bob.idempotency_key},
        timestamp=await engine.now(),
    )
    await engine.herald.put_event(opened)
    await engine.skip(timedelta(seconds=30))
    assert engine.path(await engine.finish("welcome", "bob")) == [
        "welcome",
        "settle",
        "opened",
        "tip",
    ]
    assert engine.path(await engine.finish("welcome", "ann")) == [
        "welcome",
        "settle",
        "opened",
        "nudge",
    ]
    sent = [(m.endpoint_id, m.channel, m.step_id) for m in await engine.outbox("welcome")]
    assert sorted(sent) == [
        ("ann-email", "EMAIL", "welcome"),
        ("ann-sms", "SMS", "nudge"),
        ("bob-email", "EMAIL", "tip"),
        ("bob-email", "EMAIL", "welcome"),
    ]


async def test_abandoned_cart_reminds_only_those_who_do_not_buy(engine: Engine) -> None:
    await load(engine)
    now = await engine.now()
    for who in ("ann-email", "bob-email"):
        await engine.herald.put_event(
            Event(endpoint_id=who, event_type="cart.abandoned", timestamp=now)
        )
        await engine.waiting("abandoned-cart", who)
    await engine.herald.put_event(
        Event(endpoint_id="ann-email", event_type="purchase", timestamp=now)
    )
    ann = await engine.finish("abandoned-cart", "ann-email")
    assert engine.path(ann) == ["wait-for-purchase", "bought"]
    await engine.skip(timedelta(minutes=1))
    bob = await engine.finish("abandoned-cart", "bob-email")
    assert engine.path(bob) == ["wait-for-purchase", "remind"]
    assert [m.endpoint_id for m in await engine.outbox("abandoned-cart")] == ["bob-email"]


async def test_survey_answers_a_score(engine: Engine) -> None:
    await load(engine)
    await engine.herald.enter("survey", "ann-sms")
    await engine.waiting("survey", "ann-sms", on="answer")
    reply = ReplySignal(
        id="in-1",
        channel="SMS",
        text="2",
        from_address="+15555550100",
        received_at=await engine.now(),
    )
    assert await engine.herald.deliver_reply("ann-sms", reply) == 1
    result = await engine.finish("survey", "ann-sms")
    assert engine.path(result) == ["ask", "answer", "sorry"]
    texts = [m.content.body for m in await engine.outbox("survey")]
    assert texts[-1] == "Sorry to hear that. Someone from our team will call you."


async def test_re_engagement_admits_inactive_email_endpoints_with_a_holdout(
    engine: Engine,
) -> None:
    definitions = load_files([EXAMPLES])
    await engine.herald.apply([d for d in definitions if isinstance(d, EndpointDefinition)])
    seen = Event(endpoint_id="ann-email", event_type="app.open", timestamp=await engine.now())
    await engine.herald.put_event(seen)  # Ann was active: only Bob is inactive
    await engine.herald.apply(definitions)
    result = await eventually(
        lambda: engine.herald.journey_status("re-engagement"),
        lambda s: s.entered == 1,
        what="the segment walk",
    )
    assert result.state == "ACTIVE"
    bob = await engine.finish("re-engagement", "bob-email")
    assert engine.path(bob)[0] == "holdout"
    finished = await engine.herald.journey_status("re-engagement")
    assert finished.entered == 1
    assert finished.outcomes == {f"completed at {engine.path(bob)[-1]}": 1}


async def test_order_updates_go_out_for_every_shipment(engine: Engine) -> None:
    await load(engine)
    for count, order in enumerate(("1001", "1002"), start=1):
        shipped = Event(
            endpoint_id="ann-sms",
            event_type="order.shipped",
            attributes={"order": order},
            timestamp=await engine.now(),
        )
        await engine.herald.put_event(shipped)
        await eventually(
            lambda: engine.outbox("order-update"), _has(count), what=f"update for {order}"
        )
    bodies = [m.content.body or "" for m in await engine.outbox("order-update")]
    assert all("your order has shipped" in b for b in bodies)


def _has(count: int) -> Callable[[list[OutboxMessage]], bool]:
    return lambda messages: len(messages) == count


async def test_spring_sale_campaign_reaches_its_segment_once(engine: Engine) -> None:
    await load(engine)
    status = await eventually(
        lambda: engine.herald.campaign_status("spring-sale"),
        lambda s: bool(s.runs) and s.runs[0].state.value == "COMPLETED",
        what="the spring sale run",
    )
    [run] = status.runs
    messages = [
        m for m in await engine.herald.outbox() if m.idempotency_key.startswith("campaign:")
    ]
    # Every reachable endpoint is sent once or held out, by a stable hash of its id.
    assert run.members == 3 and run.sent + run.holdout + run.skipped == 3
    assert len(messages) == run.sent == len({m.endpoint_id for m in messages})


async def test_the_demo_enters_users_into_journeys_of_users_and_endpoints_into_the_others(
    engine: Engine,
) -> None:
    printed = io.StringIO()
    await load_demo(engine.herald, EXAMPLES, Console(file=printed, width=200))
    lines = printed.getvalue().splitlines()
    assert "  ann entered welcome" in lines and "  bob entered welcome" in lines
    assert "  ann-sms entered survey" in lines
    assert not [line for line in lines if "did not enter" in line]
    await engine.skip(timedelta(minutes=3))  # past the welcome wait and the survey's timeout
    assert engine.path(await engine.finish("welcome", "ann"))[-1] == "nudge"
    assert engine.path(await engine.finish("survey", "ann-sms"))[-1] == "done"
