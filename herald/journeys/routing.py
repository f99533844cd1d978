"""Bringing app events and replies to the journeys that want them.

An event enters journeys whose entry condition it matches (signal-with-start on the
deterministic id) and is signalled to participants of journeys that wait for that event
type. A reply is signalled to the participant's journeys that wait for replies.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from temporalio.client import Client

from herald.campaigns.events import route_to_campaigns
from herald.journeys.entry import EnterResult, enter, signal_quietly
from herald.models import Event, JourneyVersion
from herald.models.journey_run import EVENT_SIGNAL, REPLY_SIGNAL, EventSignal, ReplySignal
from herald.models.journey_settings import EventEntry
from herald.models.journey_steps import WaitForEventStep, WaitForReplyStep
from herald.segments import is_member
from herald.store import Database
from herald.store.entries import last_entry
from herald.store.journeys import list_journeys
from herald.store.segments import get_segment


def as_signal(event: Event, event_id: str) -> EventSignal:
    return EventSignal(
        id=event_id,
        event_type=event.event_type,
        attributes=dict(event.attributes),
        timestamp=event.timestamp,
    )


TemporalFactory = Callable[[], Awaitable[Client]]


async def route_event(
    temporal: TemporalFactory, database: Database, event: Event, event_id: str, task_queue: str
) -> list[EnterResult]:
    """Enter matching event-triggered journeys; signal journeys waiting for this event.

    Temporal is reached only when some journey cares, so recording events works without it.
    """
    if event.endpoint_id is None:
        return []  # an event recorded for a user alone has no endpoint participant to route to
    endpoint_id = event.endpoint_id
    signal = as_signal(event, event_id)
    async with database.session() as session:
        published = await list_journeys(session)
    entered = []
    for version in published:
        rule = version.journey.settings.entry.event
        if rule is not None and await _admits(database, rule, event):
            entered.append(
                await enter(
                    await temporal(), database, version, endpoint_id,
                    task_queue=task_queue, trigger=signal, now=event.timestamp,
                )
            )  # fmt: skip
        elif _waits_for(version, WaitForEventStep, event.event_type):
            await _signal_participant(await temporal(), database, version, endpoint_id, signal)
    await route_to_campaigns(temporal, database, event, event_id, task_queue)
    return entered


async def route_reply(
    temporal: Client, database: Database, endpoint_id: str, reply: ReplySignal
) -> int:
    """Signal the participant's journeys that wait for replies. Returns how many took it."""
    async with database.session() as session:
        published = await list_journeys(session)
    delivered = 0
    for version in published:
        if _waits_for(version, WaitForReplyStep, None):
            delivered += await _signal_participant(
                temporal, database, version, endpoint_id, reply, REPLY_SIGNAL
            )
    return delivered


async def _admits(database: Database, rule: EventEntry, event: Event) -> bool:
    if rule.event_type != event.event_type:
        return False
    if any(event.attributes.get(k) != v for k, v in rule.attributes.items()):
        return False
    if rule.segment is None:
        return True
    async with database.session() as session:
        segment = await get_segment(session, rule.segment)
        endpoint_id = event.endpoint_id or ""
        return segment is not None and await is_member(session, segment, endpoint_id)


def _waits_for(version: JourneyVersion, kind: type, event_type: str | None) -> bool:
    for step in version.journey.steps.values():
        if isinstance(step, kind) and (
            event_type is None or getattr(step, "event_type", None) == event_type
        ):
            return True
    return False


async def _signal_participant(
    temporal: Client,
    database: Database,
    version: JourneyVersion,
    endpoint_id: str,
    payload: EventSignal | ReplySignal,
    signal: str = EVENT_SIGNAL,
) -> int:
    async with database.session() as session:
        entry = await last_entry(session, version.journey.name, endpoint_id)
    if entry is None:
        return 0
    return int(await signal_quietly(temporal, entry.workflow_id, signal, payload))
