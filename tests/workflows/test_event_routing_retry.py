"""An event recorded while Temporal could not be reached is routed when the client retries it:
the 503 asked for a retry, and the retry must not be taken for a duplicate."""

from __future__ import annotations

import socket

import pytest

from herald.client import HeraldClient
from herald.models import Event
from herald.settings import Settings
from herald.temporal import TemporalUnavailable
from tests.workflows.engine import Engine, endpoint, journey, template

HELLO = {"hello": {"type": "send", "template": "update"}}
ON_ORDERS = {"entry": {"event": {"event_type": "order_update"}}}


def order_update(event_id: str, who: str = "shopper") -> Event:
    return Event(id=event_id, endpoint_id=who, event_type="order_update")


def _closed_port() -> int:
    """A loopback port nothing listens on: Temporal 'down'."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _without_temporal(engine: Engine) -> HeraldClient:
    """A client on the same store whose Temporal is unreachable, as when the server is down."""
    settings = Settings(
        database_url=engine.herald.database.url,
        task_queue=engine.herald.settings.task_queue,
        temporal_address=f"127.0.0.1:{_closed_port()}",
    )
    return HeraldClient(settings, engine.herald.database)


async def test_an_event_put_while_temporal_is_down_enters_on_the_retry(engine: Engine) -> None:
    await engine.apply(
        endpoint("shopper"),
        template("update"),
        journey("retried-orders", "hello", HELLO, **ON_ORDERS),
    )
    with pytest.raises(TemporalUnavailable):
        await _without_temporal(engine).put_event(order_update("ord-1"))
    assert [e.id for e in await engine.herald.events(event_type="order_update")] == ["ord-1"]

    await engine.herald.put_event(order_update("ord-1"))  # the client retries after the 503
    result = await engine.finish("retried-orders", "shopper")
    assert result.visits[0].outcome == "sent"
    # Routed once it went through: a further redelivery is a duplicate again.
    await engine.herald.put_event(order_update("ord-1"))
    assert len(await engine.outbox("retried-orders")) == 1


async def test_a_batch_cut_short_by_temporal_is_routed_whole_on_the_retry(engine: Engine) -> None:
    await engine.apply(
        endpoint("shopper"),
        endpoint("browser"),
        template("update"),
        journey("batch-orders", "hello", HELLO, **ON_ORDERS),
    )
    batch = [order_update("b-1", "shopper"), order_update("b-2", "browser")]
    with pytest.raises(TemporalUnavailable):
        await _without_temporal(engine).put_events(batch)

    results = await engine.herald.put_events(batch)
    assert [r.status for r in results] == ["ACCEPTED", "ACCEPTED"]
    for who in ("shopper", "browser"):
        assert (await engine.finish("batch-orders", who)).visits[0].outcome == "sent"
