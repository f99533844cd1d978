"""Events: waiting for one, entering on one (once, however often it is delivered)."""

from __future__ import annotations

from datetime import timedelta

from herald.models import Event
from tests.helpers import eventually
from tests.workflows.engine import Engine, endpoint, journey, template

CART = {
    "wait": {
        "type": "wait_for_event",
        "event_type": "purchase",
        "attributes": {"sku": "A1"},
        "timeout": "P1D",
        "on_event": "thanks",
        "on_timeout": "remind",
    },
    "thanks": {"type": "send", "template": "thanks"},
    "remind": {"type": "send", "template": "remind"},
}


async def _cart(engine: Engine, name: str) -> None:
    await engine.apply(
        endpoint("buyer"),
        endpoint("idler"),
        template("thanks"),
        template("remind"),
        journey(name, "wait", CART),
    )


async def test_a_matching_event_takes_the_happened_branch(engine: Engine) -> None:
    await _cart(engine, "cart")
    await engine.herald.enter("cart", "buyer")
    await engine.waiting("cart", "buyer", on="wait")
    await engine.herald.put_event(
        Event(endpoint_id="buyer", event_type="purchase", attributes={"sku": "B2"})
    )
    await engine.herald.put_event(
        Event(endpoint_id="buyer", event_type="purchase", attributes={"sku": "A1"})
    )
    result = await engine.finish("cart", "buyer")
    assert engine.path(result) == ["wait", "thanks"]
    assert result.visits[0].outcome == "event purchase"


async def test_no_event_takes_the_timeout_branch(engine: Engine) -> None:
    await _cart(engine, "cart2")
    await engine.herald.enter("cart2", "idler")
    state = await engine.waiting("cart2", "idler", on="wait")
    assert state.waiting_for == "event"
    await engine.skip(timedelta(days=1, minutes=1))
    result = await engine.finish("cart2", "idler")
    assert engine.path(result) == ["wait", "remind"]
    assert [m.step_id for m in await engine.outbox("cart2")] == ["remind"]


async def test_event_entry_enters_once_for_a_duplicate_delivery(engine: Engine) -> None:
    steps = {
        "hello": {"type": "send", "template": "hello", "next": "nap"},
        "nap": {"type": "wait", "duration": "PT1H"},
    }
    entry = {"entry": {"event": {"event_type": "signup", "attributes": {"plan": "pro"}}}}
    await engine.apply(
        endpoint("newbie"),
        endpoint("free"),
        template("hello"),
        journey("onboard", "hello", steps, **entry),
    )
    signup = Event(
        id="evt-1", endpoint_id="newbie", event_type="signup", attributes={"plan": "pro"}
    )
    await engine.herald.put_event(signup)
    await engine.herald.put_event(signup)  # the provider retried its webhook
    await engine.herald.put_event(
        Event(endpoint_id="free", event_type="signup", attributes={"plan": "free"})
    )
    sent = await eventually(
        lambda: engine.outbox("onboard"), lambda m: len(m) >= 1, what="the welcome"
    )
    await engine.waiting("onboard", "newbie", on="nap")
    assert [m.endpoint_id for m in await engine.outbox("onboard")] == ["newbie"]
    assert sent[0].step_id == "hello"
    again = await engine.herald.enter("onboard", "newbie")
    assert again.refused == "still in the journey" or again.already_entered
