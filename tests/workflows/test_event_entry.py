"""Event entry into a journey that allows re-entry: a redelivered event enters once, a new
event enters again; and event entry limited to a segment admits only its members."""

from __future__ import annotations

from datetime import timedelta

import pytest
from temporalio.service import RPCError, RPCStatusCode

from herald.models import Event
from tests.workflows.engine import CART_MAIL, Engine, endpoint, journey, template

HELLO = {"hello": {"type": "send", "template": "update"}}


def order_update(event_id: str, who: str = "shopper") -> Event:
    return Event(
        id=event_id, endpoint_id=who, event_type="order_update", attributes={"status": "shipped"}
    )


async def test_redelivered_event_enters_once_and_a_new_event_enters_again(
    engine: Engine,
) -> None:
    settings = {
        "entry": {"event": {"event_type": "order_update", "attributes": {"status": "shipped"}}},
        "re_entry": {"allowed": True},
    }
    await engine.apply(
        endpoint("shopper"), template("update"), journey("orders", "hello", HELLO, **settings)
    )
    await engine.herald.put_event(order_update("ord-1"))
    await engine.herald.put_event(order_update("ord-1"))  # the webhook, retried at once
    first = await engine.finish("orders", "shopper")
    assert first.visits[0].outcome == "sent"
    # Redelivered after the participant left: re-entry is allowed, the event is not new.
    await engine.herald.put_event(order_update("ord-1"))
    assert len(await engine.outbox("orders")) == 1

    await engine.herald.put_event(order_update("ord-2"))  # the next update of the order
    second = await engine.finish("orders", "shopper", n=2)
    assert second.visits[0].outcome == "sent"
    first_key, second_key = (m.idempotency_key for m in await engine.outbox("orders"))
    assert first_key.startswith("journey:orders:shopper:hello:")
    assert second_key.startswith("journey:orders:shopper:2:hello:"), "the second entry's"


async def test_event_entry_limited_to_a_segment_leaves_others_out(engine: Engine) -> None:
    settings = {"entry": {"event": {"event_type": "order_update", "segment": "members"}}}
    await engine.apply(
        endpoint("member"),
        endpoint("outsider"),
        {"kind": "Segment", "name": "members", "endpoint_ids": ["member"]},
        template("update"),
        journey("members-only", "hello", HELLO, **settings),
    )
    await engine.herald.put_event(order_update("seg-1", "outsider"))
    await engine.herald.put_event(order_update("seg-2", "member"))
    await engine.finish("members-only", "member")
    assert [m.endpoint_id for m in await engine.outbox("members-only")] == ["member"]
    with pytest.raises(RPCError) as missing:
        await engine.handle("members-only", "outsider").describe()
    assert missing.value.status is RPCStatusCode.NOT_FOUND, "the outsider never entered"


async def test_a_late_event_does_not_enter_a_journey_that_has_ended(engine: Engine) -> None:
    """An app that was offline sends its events late: one stamped before the journey's end
    but arriving after it is too late, as entry is decided when the event arrives."""
    ends = (await engine.now() + timedelta(days=1)).replace(microsecond=0)
    settings = {
        "entry": {"event": {"event_type": "order_update"}},
        "re_entry": {"allowed": True},
        "schedule": {"end": ends.isoformat()},
    }
    await engine.apply(
        endpoint("shopper"), template("update"), journey("ended", "hello", HELLO, **settings)
    )
    await engine.herald.put_event(order_update("on-time"))
    await engine.finish("ended", "shopper")
    await engine.skip(timedelta(days=1, minutes=1))
    stale = order_update("stale").model_copy(update={"timestamp": ends - timedelta(hours=1)})
    await engine.herald.put_event(stale)
    await _never_entered(engine, "ended", n=2)
    assert len(await engine.outbox("ended")) == 1


async def test_an_event_stamped_ahead_does_not_dodge_the_re_entry_interval(
    engine: Engine,
) -> None:
    """A phone with its clock a day fast: its event arrives within the minimum interval."""
    settings = {
        "entry": {"event": {"event_type": "order_update"}},
        "re_entry": {"allowed": True, "min_interval": "P1D"},
    }
    await engine.apply(
        endpoint("shopper"), template("update"), journey("spaced", "hello", HELLO, **settings)
    )
    await engine.herald.put_event(order_update("first"))
    await engine.finish("spaced", "shopper")
    ahead = await engine.now() + timedelta(days=2)
    await engine.herald.put_event(order_update("ahead").model_copy(update={"timestamp": ahead}))
    await _never_entered(engine, "spaced", n=2)
    assert len(await engine.outbox("spaced")) == 1


async def _never_entered(engine: Engine, journey: str, n: int) -> None:
    with pytest.raises(RPCError) as missing:
        await engine.handle(journey, "shopper", n=n).describe()
    assert missing.value.status is RPCStatusCode.NOT_FOUND, f"entry {n} was made"


async def test_a_send_renders_the_event_that_entered_its_participant(engine: Engine) -> None:
    entry = {"event": {"event_type": "cart.left"}}
    await engine.apply(
        endpoint("carla"), CART_MAIL, journey("cart-left", "mail", {"mail": {
            "type": "send", "template": "cart-mail"}}, entry=entry),
    )  # fmt: skip
    await engine.herald.put_event(
        Event(endpoint_id="carla", event_type="cart.left", attributes={"sku": "A1"})
    )
    await engine.finish("cart-left", "carla")
    [sent] = await engine.outbox("cart-left")
    assert sent.content.text == "cart.left: A1"
