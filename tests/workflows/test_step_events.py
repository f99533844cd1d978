"""Events: waiting for one (counted from when the participant reached the step, a pause
holding it there included), entering on one (once, however often it is delivered)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from herald.models import Event
from tests.helpers import eventually
from tests.loopback_http import loopback_server
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


def _watch_after_call(url: str) -> dict[str, Any]:
    return {
        "call": {"type": "webhook", "url": f"{url}/hook", "next": "watch"},
        "watch": {
            "type": "wait_for_event",
            "event_type": "purchase",
            "timeout": "P1D",
            "on_event": "bought",
            "on_timeout": "remind",
        },
        "bought": {"type": "exit"},
        "remind": {"type": "exit"},
    }


async def test_an_event_while_a_pause_holds_the_participant_at_the_step_counts(
    engine: Engine,
) -> None:
    """Paused while busy in the webhook call before `watch`, the participant is held at
    `watch` before its wait begins; the purchase then comes. It counts on resume, as it
    would had the pause caught it inside the wait (the wait once counted from its start)."""
    with loopback_server() as server:
        server.gate.clear()  # the call is answered only once the pause is in
        try:
            await engine.apply(
                endpoint("hal"), journey("held-watch", "call", _watch_after_call(server.url))
            )
            await engine.herald.enter("held-watch", "hal")
            await eventually(lambda: _calls(server), bool, what="the webhook call")
            await engine.herald.journey_transition("held-watch", "pause")
        finally:
            server.gate.set()
        held = await engine.waiting("held-watch", "hal", on="watch")
    assert held.paused and held.waiting_until is None  # held before its wait began
    purchase = Event(id="held-watch-1", endpoint_id="hal", event_type="purchase")
    await engine.herald.put_event(purchase)
    await engine.herald.journey_transition("held-watch", "resume")
    await engine.skip(timedelta(days=1, minutes=1))
    result = await engine.finish("held-watch", "hal")
    assert engine.path(result) == ["call", "watch", "bought"], [v.outcome for v in result.visits]


async def _calls(server: Any) -> int:
    return len(server.requests)
