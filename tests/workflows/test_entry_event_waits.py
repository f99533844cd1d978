"""An event that matches a journey's entry condition but cannot enter (no re-entry, inside
the re-entry interval, a closed journey) still reaches the participant already in that
journey and waiting for it."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from herald.models import Event
from tests.workflows.engine import Engine, endpoint, journey, template

CART = {
    "first": {"type": "send", "template": "hi", "next": "again"},
    "again": {
        "type": "wait_for_event",
        "event_type": "cart_updated",
        "timeout": "P1D",
        "on_event": "changed",
        "on_timeout": "idle",
    },
    "changed": {"type": "send", "template": "hi"},
    "idle": {"type": "exit"},
}
ENTRY = {"event": {"event_type": "cart_updated"}}


def cart(event_id: str) -> Event:
    return Event(id=event_id, endpoint_id="carter", event_type="cart_updated")


@pytest.mark.parametrize(
    ("name", "re_entry", "close"),
    [
        ("cart-once", {"allowed": False}, False),
        ("cart-interval", {"allowed": True, "min_interval": "P1D"}, False),
        ("cart-closed", {"allowed": False}, True),
    ],
)
async def test_an_event_refused_entry_reaches_the_participant_waiting_for_it(
    engine: Engine, name: str, re_entry: dict[str, Any], close: bool
) -> None:
    settings = {"entry": ENTRY, "re_entry": re_entry}
    await engine.apply(endpoint("carter"), template("hi"), journey(name, "first", CART, **settings))
    await engine.herald.put_event(cart(f"{name}-1"))
    await engine.waiting(name, "carter", on="again")
    if close:
        await engine.herald.journey_transition(name, "close")
    await engine.herald.put_event(cart(f"{name}-2"))
    await engine.skip(timedelta(days=1, minutes=1))
    assert engine.path(await engine.finish(name, "carter")) == ["first", "again", "changed"]
