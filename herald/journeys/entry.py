"""Entering a participant into a journey: the one path direct, event and segment entry share.

It applies the journey's state and schedule, the re-entry rules (allowed, cap, minimum
interval), and starts the participant's workflow on a deterministic id, so a second attempt
with the same entry number finds the first instead of starting twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from pydantic import Field
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from temporalio.client import Client, WorkflowExecutionStatus
from temporalio.common import SearchAttributePair, TypedSearchAttributes, WorkflowIDReusePolicy
from temporalio.exceptions import WorkflowAlreadyStartedError
from temporalio.service import RPCError, RPCStatusCode

from herald.models import (
    JOURNEY_WORKFLOW,
    Journey,
    JourneyInput,
    JourneyVersion,
    journey_workflow_id,
)
from herald.models.base import HeraldModel
from herald.models.journey_run import (
    CANCEL_SIGNAL,
    EVENT_SIGNAL,
    HERALD_JOURNEY,
    HERALD_JOURNEY_VERSION,
    HERALD_PARTICIPANT,
    HERALD_STEP,
    PAUSE_SIGNAL,
    EventSignal,
)
from herald.store import Database
from herald.store.entries import EntryRecord, last_entry, record_entry
from herald.store.journeys import get_state
from herald.store.tables import EndpointRow

# The refusal of an entry whose participant is still running; `enter` hands that participant
# the triggering event.
STILL_IN = "still in the journey"


class EntryError(ValueError):
    """An entry asked for the wrong kind of participant; the message says which to give."""


def participant_id(journey: Journey, endpoint_id: str | None, user_id: str | None) -> str:
    """The participant id a direct entry names, checked against the journey's kind."""
    kind = journey.settings.entry.participant
    given = user_id if kind == "user" else endpoint_id
    other = endpoint_id if kind == "user" else user_id
    if other is not None or not given:
        flag = "a user id (--user)" if kind == "user" else "an endpoint id (--endpoint)"
        raise EntryError(f"journey {journey.name!r} has {kind} participants: give {flag}")
    return given


async def participant_exists(session: AsyncSession, journey: Journey, participant: str) -> bool:
    if journey.settings.entry.participant == "user":
        found = await session.execute(
            select(EndpointRow.id).where(EndpointRow.user_id == participant).limit(1)
        )
        return found.first() is not None
    return await session.get(EndpointRow, participant) is not None


class EnterResult(HeraldModel):
    journey: str
    version: int
    endpoint_id: str = Field(description="The participant: an endpoint id, or a user id.")
    workflow_id: str
    run_id: str | None
    already_entered: bool
    refused: str | None = Field(default=None, description="Why no entry was made.")


@dataclass(frozen=True)
class EntryFacts:
    """What an entry decides on: the journey's state and the participant's last entry."""

    state: str | None
    previous: EntryRecord | None


async def entry_facts(session: AsyncSession, journey: str, participant: str) -> EntryFacts:
    return EntryFacts(
        state=await get_state(session, journey),
        previous=await last_entry(session, journey, participant),
    )


async def enter(
    temporal: Client,
    database: Database,
    published: JourneyVersion,
    endpoint_id: str,
    *,
    task_queue: str,
    trigger: EventSignal | None = None,
    now: datetime | None = None,
    facts: EntryFacts | None = None,
) -> EnterResult:
    """`facts`: read by the caller in a transaction it had open anyway, if given."""
    now = now or datetime.now(UTC)
    journey = published.journey
    if facts is None:
        async with database.session() as session:
            facts = await entry_facts(session, journey.name, endpoint_id)
    previous = facts.previous
    refused = _refusal(published, facts.state, previous, now)
    if (
        refused is None
        and previous is not None
        and await is_running(temporal, previous.workflow_id)
    ):
        refused = STILL_IN
        if trigger is not None:
            await signal_quietly(temporal, previous.workflow_id, EVENT_SIGNAL, trigger)
    entry_n = previous.entry_n + 1 if previous and journey.settings.re_entry.allowed else 1
    workflow_id = journey_workflow_id(journey.name, endpoint_id, entry_n)
    result = EnterResult(
        journey=journey.name,
        version=published.version,
        endpoint_id=endpoint_id,
        workflow_id=workflow_id,
        run_id=None,
        already_entered=previous is not None and refused == "already entered",
        refused=refused,
    )
    if refused is not None:
        return result
    # The event rides in the input as well as in the start signal: sends read it from there
    # (`Journey.Event.*` in templates); the workflow takes its id once.
    inp = JourneyInput(
        journey=journey,
        version=published.version,
        participant_id=endpoint_id,
        entry_n=entry_n,
        trigger=trigger,
    )
    entry = EntryRecord(
        journey=journey.name,
        participant_id=endpoint_id,
        entry_n=entry_n,
        version=published.version,
        workflow_id=workflow_id,
        trigger="event" if trigger else "direct",
        entered_at=now,
    )
    try:
        run_id = await _start(temporal, inp, workflow_id, task_queue, trigger)
    except WorkflowAlreadyStartedError:
        # Started, and maybe never recorded: a process that died between the start and the
        # record (a worker killed mid-admission) left a participant that status, pause and
        # cancel, which find participants through the entries, would never see. Recording
        # is idempotent, so the retry that lands here records it.
        async with database.session() as session:
            await record_entry(session, entry)
        return result.model_copy(update={"already_entered": True, "refused": "already entered"})
    async with database.session() as session:
        await record_entry(session, entry)
        state = await get_state(session, journey.name)
    await _catch_up(temporal, workflow_id, journey.name, state)
    return result.model_copy(update={"run_id": run_id})


async def _catch_up(temporal: Client, workflow_id: str, journey: str, state: str | None) -> None:
    """Tell a participant just recorded of a pause or cancel that came after its journey's
    state was checked. That change signalled the participants recorded by then, so it may
    have missed this one, which would run on in a paused or cancelled journey; a second
    pause or cancel signal changes nothing."""
    if state == "PAUSED":
        await signal_quietly(temporal, workflow_id, PAUSE_SIGNAL)
    elif state == "CANCELLED":
        await signal_quietly(temporal, workflow_id, CANCEL_SIGNAL, f"journey {journey} cancelled")


async def is_running(temporal: Client, workflow_id: str) -> bool:
    """Whether the workflow runs now; False when it finished or never existed."""
    try:
        described = await temporal.get_workflow_handle(workflow_id).describe()
    except RPCError as exc:
        if exc.status == RPCStatusCode.NOT_FOUND:
            return False
        raise
    return described.status == WorkflowExecutionStatus.RUNNING


async def signal_quietly(
    temporal: Client, workflow_id: str, signal: str, arg: object | None = None
) -> bool:
    """Signal a participant; False when it has finished (or never existed)."""
    handle = temporal.get_workflow_handle(workflow_id)
    try:
        if arg is None:
            await handle.signal(signal)
        else:
            await handle.signal(signal, arg)
    except RPCError as exc:
        if exc.status == RPCStatusCode.NOT_FOUND:
            return False
        raise
    return True


def _refusal(
    published: JourneyVersion, state: str | None, previous: EntryRecord | None, now: datetime
) -> str | None:
    settings = published.journey.settings
    if state == "DRAFT":
        name = published.journey.name
        return f"journey {name!r} is a DRAFT: activate it with `herald journeys activate {name}`"
    if state not in (None, "ACTIVE"):
        return f"journey is {state}"
    if settings.schedule.start and now < settings.schedule.start:
        return f"journey starts at {settings.schedule.start.isoformat()}"
    if settings.schedule.end and now >= settings.schedule.end:
        return f"journey ended at {settings.schedule.end.isoformat()}"
    if previous is None:
        return None
    rules = settings.re_entry
    if not rules.allowed:
        return "already entered"
    if rules.max_entries and previous.entry_n >= rules.max_entries:
        return f"entered {previous.entry_n} times, the re-entry cap"
    if rules.min_interval and now - previous.entered_at < rules.min_interval:
        return f"entered less than {rules.min_interval} ago"
    return None


async def _start(
    temporal: Client,
    inp: JourneyInput,
    workflow_id: str,
    task_queue: str,
    trigger: EventSignal | None,
) -> str | None:
    name, participant = inp.journey.name, inp.participant_id
    attributes = TypedSearchAttributes(
        [
            SearchAttributePair(HERALD_JOURNEY, name),
            SearchAttributePair(HERALD_JOURNEY_VERSION, inp.version),
            SearchAttributePair(HERALD_PARTICIPANT, participant),
            SearchAttributePair(HERALD_STEP, inp.journey.start),
        ]
    )
    # With a trigger, signal-with-start: a duplicate delivery of the same event signals the
    # running participant (which ignores an event id it has seen) instead of entering twice.
    handle = await temporal.start_workflow(
        JOURNEY_WORKFLOW,
        inp,
        id=workflow_id,
        task_queue=task_queue,
        id_reuse_policy=WorkflowIDReusePolicy.REJECT_DUPLICATE,
        search_attributes=attributes,
        static_summary=f"journey {name} v{inp.version} for {participant}",
        start_signal=EVENT_SIGNAL if trigger else None,
        start_signal_args=[trigger] if trigger else [],
    )
    return handle.first_execution_run_id or handle.result_run_id
