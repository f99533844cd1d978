"""Engagement a recipient reports (a click, an open, an unsubscribe, an in-app display or
click): recorded at once, brought to journeys and campaigns after the answer is sent, so the
person never waits on Temporal (nor gets an error while it is unreachable)."""

from __future__ import annotations

import logging

from fastapi import BackgroundTasks

from herald.client import HeraldClient
from herald.models import Event

log = logging.getLogger("herald.tracking")


async def record(client: HeraldClient, event: Event, background: BackgroundTasks) -> str:
    """Record `event` now (raising what `put_event` raises if it cannot be) and route it
    once the response has gone. Returns its id."""
    event_id = await client.put_event(event, route=False)
    background.add_task(route, client, event, event_id)
    return event_id


async def route(client: HeraldClient, event: Event, event_id: str) -> None:
    """Route the recorded event, then mark it routed. If that fails it stays recorded and
    unrouted (`events.routed_at` empty): logged with its id; the worker's sweep routes it
    (herald.event_sweep), or putting the event again with that id does."""
    try:
        await client.route_recorded(event, event_id)
    except Exception as exc:
        log.warning(
            "%s event %s of endpoint %s is recorded but not routed to journeys or campaigns "
            "(%s); the worker's sweep routes it when Temporal is back, or put it again with Id %s",
            event.event_type,
            event_id,
            event.endpoint_id,
            exc,
            event_id,
        )
