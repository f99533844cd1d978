"""The worker's sweep routes app events recorded while Temporal was unreachable that nobody
put again (a client that gave up after the 503): they used to wait unrouted for good."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import update

from herald.event_sweep import EventSweeper, SweepSettings
from herald.store.clock import utcnow
from herald.store.tables import EventRow
from herald.temporal import TemporalUnavailable
from tests.workflows.engine import Engine, endpoint, journey, template
from tests.workflows.test_event_routing_retry import (
    HELLO,
    ON_ORDERS,
    _without_temporal,
    order_update,
)

NOW = SweepSettings(grace=timedelta(0))  # sweeps what was recorded a moment ago


async def _recorded_while_down(engine: Engine, *event_ids: str) -> None:
    for event_id in event_ids:
        with pytest.raises(TemporalUnavailable):
            await _without_temporal(engine).put_event(order_update(event_id))


async def test_the_sweep_routes_an_event_temporal_missed_once(engine: Engine) -> None:
    await engine.apply(
        endpoint("shopper"), template("update"), journey("swept", "hello", HELLO, **ON_ORDERS)
    )
    await _recorded_while_down(engine, "ord-1")

    assert await EventSweeper(engine.herald, NOW).sweep_once() == 1
    result = await engine.finish("swept", "shopper")
    assert result.visits[0].outcome == "sent"
    # Routed and marked: neither the next sweep nor the client's late retry routes it again,
    # and the send event Herald recorded of itself is not an event to route.
    assert await EventSweeper(engine.herald, NOW).sweep_once() == 0
    await engine.herald.put_event(order_update("ord-1"))
    assert len(await engine.outbox("swept")) == 1


async def test_a_sweep_while_temporal_is_down_leaves_the_events_for_the_next(
    engine: Engine,
) -> None:
    await engine.apply(
        endpoint("shopper"), template("update"), journey("later", "hello", HELLO, **ON_ORDERS)
    )
    await _recorded_while_down(engine, "ord-1")

    assert await EventSweeper(_without_temporal(engine), NOW).sweep_once() == 0
    assert await EventSweeper(engine.herald, NOW).sweep_once() == 1
    assert (await engine.finish("later", "shopper")).visits[0].outcome == "sent"


async def test_the_sweep_leaves_events_in_flight_and_events_a_day_old(engine: Engine) -> None:
    await engine.apply(
        endpoint("shopper"), template("update"), journey("stale", "hello", HELLO, **ON_ORDERS)
    )
    await _recorded_while_down(engine, "fresh", "old")
    # A route still in flight (within the grace) is left to finish; a day-old event would
    # enter the participant a day late, so its client's retry is left to decide.
    assert await EventSweeper(engine.herald).sweep_once() == 0
    async with engine.herald.database.session() as session:
        day_ago = utcnow() - timedelta(hours=25)
        await session.execute(
            update(EventRow).where(EventRow.id == "old").values(received_at=day_ago)
        )
    assert await EventSweeper(engine.herald, NOW).sweep_once() == 1
    assert (await engine.finish("stale", "shopper")).visits[0].outcome == "sent"
    assert len(await engine.outbox("stale")) == 1
