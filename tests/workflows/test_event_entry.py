"""Event entry into a journey that allows re-entry: a redelivered event enters once, a new
event enters again; and event entry limited to a segment admits only its members."""

from __future__ import annotations

import pytest
from temporalio.service import RPCError, RPCStatusCode

from herald.models import Event
from tests.workflows.engine import Engine, endpoint, journey, template

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
