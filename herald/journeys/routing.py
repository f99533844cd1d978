"""Bringing app events and replies to the journeys that want them.

An event enters journeys whose entry condition it matches (signal-with-start on the
deterministic id) and is signalled to participants of journeys that wait for that event
type. A reply is signalled to the participant's journeys that wait for replies and sent
from the number or address it came to (`reply_origin`).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime

from temporalio.client import Client

from herald.campaigns.events import route_to_campaigns
from herald.journeys.entry import STILL_IN, EnterResult, enter, signal_quietly
from herald.journeys.reply_origin import answers
from herald.models import Event, JourneyVersion
from herald.models.journey_run import EVENT_SIGNAL, REPLY_SIGNAL, EventSignal, ReplySignal
from herald.models.journey_settings import EventEntry, ParticipantKind
from herald.models.journey_steps import WaitForEventStep, WaitForReplyStep
from herald.segments import is_member, is_user_member
from herald.store import Database
from herald.store.endpoints import get_endpoint
from herald.store.entries import EntryRecord, last_entry
from herald.store.journeys import get_journey, list_journeys
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
    temporal: TemporalFactory,
    database: Database,
    event: Event,
    event_id: str,
    task_queue: str,
    *,
    now: datetime,
) -> list[EnterResult]:
    """Enter matching event-triggered journeys; signal journeys waiting for this event.

    Entry is decided at `now`, when the event arrives, not at the event's own timestamp: an
    event sent late (an app offline for a day) must not enter a journey that has ended since,
    nor dodge the re-entry interval by carrying an old time.
    Temporal is reached only when some journey cares, so recording events works without it.
    """
    signal = as_signal(event, event_id)
    async with database.session() as session:
        published = await list_journeys(session)
    people = _People(database, event.endpoint_id, event.user_id)
    entered = []
    for version in published:
        kind = version.journey.settings.entry.participant
        participant = await people.of(kind)
        if participant is None:
            continue  # an endpoint journey and an event for a user alone, or the reverse
        rule = version.journey.settings.entry.event
        if rule is not None and await _admits(database, rule, event, kind, participant):
            result = await enter(
                await temporal(), database, version, participant,
                task_queue=task_queue, trigger=signal, now=now,
            )  # fmt: skip
            entered.append(result)
            if result.refused in (None, STILL_IN):
                continue  # it started with the event, or `enter` passed it on
        # Not entered (or refused entry: no re-entry, its interval, a closed journey): a
        # participant already in it may be waiting for just this event.
        entry = await _waiting_entry(database, version, participant, event.event_type)
        if entry is not None:
            await signal_quietly(await temporal(), entry.workflow_id, EVENT_SIGNAL, signal)
    await route_to_campaigns(temporal, database, event, event_id, task_queue)
    return entered


async def route_reply(
    temporal: Client, database: Database, endpoint_id: str, reply: ReplySignal
) -> int:
    """Signal the participant's journeys that wait for replies (the endpoint's, or in user
    journeys its user's) and sent from where the reply came to. Returns how many took it."""
    async with database.session() as session:
        published = await list_journeys(session)
    people = _People(database, endpoint_id, None)
    delivered = 0
    for version in published:
        participant = await people.of(version.journey.settings.entry.participant)
        if participant is None:
            continue
        entry = await _waiting_entry(database, version, participant, None)
        if entry is None:
            continue
        async with database.session() as session:
            taken = await answers(
                session,
                workflow_id=entry.workflow_id,
                journey=version.journey.name,
                endpoint_id=endpoint_id,
                reply=reply,
            )
        if taken:
            delivered += int(await signal_quietly(temporal, entry.workflow_id, REPLY_SIGNAL, reply))
    return delivered


class _People:
    """The participant ids one event or reply speaks for; the endpoint's user is looked up
    once, and only when a user journey asks."""

    def __init__(self, database: Database, endpoint_id: str | None, user_id: str | None):
        self._database, self._endpoint_id, self._user_id = database, endpoint_id, user_id
        self._looked_up = user_id is not None or endpoint_id is None

    async def of(self, kind: ParticipantKind) -> str | None:
        if kind == "endpoint":
            return self._endpoint_id
        if not self._looked_up:
            async with self._database.session() as session:
                endpoint = await get_endpoint(session, self._endpoint_id or "")
            self._user_id = endpoint.user_id if endpoint else None
            self._looked_up = True
        return self._user_id


async def _admits(
    database: Database, rule: EventEntry, event: Event, kind: ParticipantKind, participant: str
) -> bool:
    if rule.event_type != event.event_type:
        return False
    if any(event.attributes.get(k) != v for k, v in rule.attributes.items()):
        return False
    if rule.segment is None:
        return True
    async with database.session() as session:
        segment = await get_segment(session, rule.segment)
        if segment is None:
            return False
        if kind == "user":
            return await is_user_member(session, segment, participant)
        return await is_member(session, segment, participant)


async def _waiting_entry(
    database: Database, latest: JourneyVersion, participant: str, event_type: str | None
) -> EntryRecord | None:
    """The participant's last entry, if the version it runs has a step that waits for
    `event_type` (a reply, when None). A participant keeps the version it entered (or was
    migrated to), which need not wait for what the latest one does, or the reverse."""
    kind = WaitForReplyStep if event_type is None else WaitForEventStep
    if latest.version == 1 and not _waits_for(latest, kind, event_type):
        return None  # the common case: no older version to look at, no database read
    async with database.session() as session:
        entry = await last_entry(session, latest.journey.name, participant)
        if entry is None:
            return None
        runs = latest
        if entry.version != latest.version:
            runs = await get_journey(session, latest.journey.name, entry.version) or latest
    return entry if _waits_for(runs, kind, event_type) else None


def _waits_for(version: JourneyVersion, kind: type, event_type: str | None) -> bool:
    for step in version.journey.steps.values():
        if isinstance(step, kind) and (
            event_type is None or getattr(step, "event_type", None) == event_type
        ):
            return True
    return False
