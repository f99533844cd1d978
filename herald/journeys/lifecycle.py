"""A journey's lifecycle: activate, pause, resume, close, cancel and status (migration:
`herald.journeys.migration`).

The journey's state lives in the store (it gates new entries); running participants learn of
a change by signal. Participants are found through the entries table, which is immediate,
rather than Temporal's visibility, which lags.

COMPLETED is computed when read, never stored: a CLOSED journey, or an ACTIVE one past its
schedule's end, shows COMPLETED once no participant is still in it. Nothing runs when the
last participant leaves except that participant's workflow, and a write there would lock the
journey's row on every exit; the end of a schedule is a moment, not an event; and publishing
a version with a later end re-opens a journey, which a stored COMPLETED would miss.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import replace
from datetime import datetime

from pydantic import Field
from temporalio.client import Client, WorkflowExecutionStatus
from temporalio.service import RPCError, RPCStatusCode

from herald.journeys.entry import is_running, signal_quietly
from herald.models import JourneyVersion
from herald.models.base import HeraldModel
from herald.models.journey_run import (
    CANCEL_SIGNAL,
    HERALD_JOURNEY_VERSION,
    HERALD_STEP,
    PAUSE_SIGNAL,
    RESUME_SIGNAL,
)
from herald.store import Database
from herald.store.entries import (
    EntryRecord,
    count_entries,
    entries,
    unexited_entries,
)
from herald.store.journey_progress import told_exits
from herald.store.journeys import get_journey, get_state, get_states, list_journeys, set_state
from herald.temporal import TemporalUnavailable, unreachable

TemporalFactory = Callable[[], Awaitable[Client]]


class LifecycleError(ValueError):
    """A lifecycle request that cannot be carried out; says why."""


class JourneyStatus(HeraldModel):
    journey: str
    state: str
    latest_version: int
    entered: int
    running: int
    finished: int
    at_step: dict[str, int]
    by_status: dict[str, int]
    outcomes: dict[str, int] = Field(
        default_factory=dict,
        description="Finished participants by how and where they left: 'completed at thanks', "
        "'cancelled at reminder', 'failed at welcome'.",
    )


class JourneyListing(JourneyVersion):
    """A journey at its latest version, with the state `herald journeys list` shows."""

    state: str


class TransitionResult(HeraldModel):
    journey: str
    action: str
    previous_state: str
    state: str
    signalled: int = Field(description="Participants told of the change by signal.")
    note: str | None = None


_TRANSITIONS = {
    "activate": ({"DRAFT"}, "ACTIVE", None),
    "pause": ({"ACTIVE"}, "PAUSED", PAUSE_SIGNAL),
    "resume": ({"PAUSED"}, "ACTIVE", RESUME_SIGNAL),
    "close": ({"ACTIVE", "PAUSED"}, "CLOSED", None),
    "cancel": ({"DRAFT", "ACTIVE", "PAUSED", "CLOSED"}, "CANCELLED", CANCEL_SIGNAL),
}
ACTIONS = tuple(_TRANSITIONS)


async def transition(
    temporal: TemporalFactory, database: Database, name: str, action: str, now: datetime
) -> TransitionResult:
    """Apply activate / pause / resume / close / cancel; signal participants of the change."""
    if action not in _TRANSITIONS:
        raise LifecycleError(f"unknown action {action!r}; allowed: {', '.join(ACTIONS)}")
    allowed, target, signal = _TRANSITIONS[action]
    published, stored = await _published(database, name)
    state = await shown_state(temporal, database, published, stored, now)
    if state not in allowed:
        raise LifecycleError(_refusal(name, action, state))
    async with database.session() as session:
        if not await set_state(session, name, target, expected=stored):
            raise LifecycleError(f"journey {name!r} changed state meanwhile; try again")
    result = TransitionResult(
        journey=name, action=action, previous_state=state, state=target, signalled=0
    )
    if action == "close" and state == "PAUSED":
        # Closed means participants finish; held by the pause they never would, as a CLOSED
        # journey cannot be resumed. Their stopped clocks start again where they were.
        signal = RESUME_SIGNAL
    if signal is None:
        return result
    client = await temporal()
    arg = f"journey {name} cancelled" if signal == CANCEL_SIGNAL else None
    signalled = 0
    async for entry in _all_entries(database, name):
        signalled += int(await signal_quietly(client, entry.workflow_id, signal, arg))
    return result.model_copy(update={"signalled": signalled})


def _refusal(name: str, action: str, state: str) -> str:
    message = f"cannot {action} journey {name!r}: it is {state}"
    if state == "DRAFT":
        return f"{message}; activate it with `herald journeys activate {name}`"
    return message


async def _published(database: Database, name: str) -> tuple[JourneyVersion, str]:
    async with database.session() as session:
        published = await get_journey(session, name)
        stored = await get_state(session, name)
    if published is None or stored is None:
        raise LifecycleError(f"journey {name!r} is not published; `herald apply` it first")
    return published, stored


def _may_be_completed(published: JourneyVersion, stored: str, now: datetime) -> bool:
    """Whether the journey takes no new entries for good: closed, or past its schedule."""
    end = published.journey.settings.schedule.end
    return stored == "CLOSED" or (stored == "ACTIVE" and end is not None and now >= end)


async def shown_state(
    temporal: TemporalFactory,
    database: Database,
    published: JourneyVersion,
    stored: str,
    now: datetime,
) -> str:
    """The stored state, or COMPLETED for a journey that takes no one and holds no one."""
    if not _may_be_completed(published, stored, now):
        return stored
    return stored if await _anyone_in(temporal, database, published.journey.name) else "COMPLETED"


async def _anyone_in(temporal: TemporalFactory, database: Database, name: str) -> bool:
    """Whether a participant is still in the journey. Only entries with no recorded exit are
    asked about, so Temporal is reached only while some may remain."""
    after = ""
    while True:
        async with database.session() as session:
            page = await unexited_entries(session, name, after=after)
        if page:
            client = await temporal()
            for entry in page:
                if await is_running(client, entry.workflow_id):
                    return True
        if len(page) < 1000:
            return False
        after = page[-1].workflow_id


async def listing(
    temporal: TemporalFactory, database: Database, now: datetime
) -> list[JourneyListing]:
    """Every journey at its latest version, with its state."""
    async with database.session() as session:
        published = await list_journeys(session)
        states = await get_states(session)
    return [
        JourneyListing(
            journey=p.journey,
            version=p.version,
            published_at=p.published_at,
            state=await shown_state(temporal, database, p, states[p.journey.name], now),
        )
        for p in published
    ]


async def shown_states(
    temporal: TemporalFactory, database: Database, now: datetime
) -> tuple[dict[str, str], list[str]]:
    """Each journey's state as `listing` shows it, for a view that must not fail while
    Temporal is down (the dashboard): a journey whose state needs Temporal then shows its
    stored state, and is named in the second item (a CLOSED one may be COMPLETED)."""
    async with database.session() as session:
        published = await list_journeys(session)
        states = await get_states(session)
    reach = _Reach(temporal)
    shown: dict[str, str] = {}
    stored: list[str] = []
    for p in published:
        name = p.journey.name
        try:
            shown[name] = await shown_state(reach.client, database, p, states[name], now)
        except (TemporalUnavailable, RPCError) as exc:
            if not unreachable(exc):
                raise
            reach.down = str(exc)
            shown[name] = states[name]
            stored.append(name)
    return shown, stored


class _Reach:
    """Temporal until it is found unreachable; then every later ask fails at once, rather
    than waiting out the SDK's retries (about ten seconds) once per journey."""

    def __init__(self, temporal: TemporalFactory) -> None:
        self._temporal = temporal
        self.down: str | None = None

    async def client(self) -> Client:
        if self.down is not None:
            raise TemporalUnavailable(self.down)
        return await self._temporal()


async def _all_entries(database: Database, name: str) -> AsyncIterator[EntryRecord]:
    cursor = ("", 0)
    while True:
        async with database.session() as session:
            page = await entries(session, name, after=cursor)
        for entry in page:
            yield entry
        if len(page) < 1000:
            return
        cursor = (page[-1].participant_id, page[-1].entry_n)


async def participants(
    temporal: Client, database: Database, name: str
) -> AsyncIterator[tuple[EntryRecord, str, str | None]]:
    """(entry, workflow status, current step) for every entry of the journey, the entry's
    version being the one its workflow runs.

    Read from each participant's workflow rather than from visibility, which lags behind
    and which not every server (the time-skipping test server) serves.
    """
    async for entry, status_name, step, _ in described_entries(temporal, database, name):
        yield entry, status_name, step


async def described_entries(
    temporal: Client, database: Database, name: str
) -> AsyncIterator[tuple[EntryRecord, str, str | None, int]]:
    """As `participants`, with the version recorded for each entry: the one it entered on
    or was last signalled to move to."""
    async for entry in _all_entries(database, name):
        recorded = entry.version
        try:
            described = await temporal.get_workflow_handle(entry.workflow_id).describe()
        except RPCError as exc:
            if exc.status == RPCStatusCode.NOT_FOUND:
                yield entry, "UNKNOWN", None, recorded
                continue
            raise
        status_name = described.status.name if described.status else "UNKNOWN"
        found = described.typed_search_attributes
        # The version it runs: a migration is recorded when signalled, but the participant
        # moves only when it next looks, and may still be on the version it came from.
        running = found.get(HERALD_JOURNEY_VERSION)
        if running is not None and running != entry.version:
            entry = replace(entry, version=running)
        yield entry, status_name, found.get(HERALD_STEP), recorded


async def status(
    temporal: Client, database: Database, name: str, now: datetime | None = None
) -> JourneyStatus:
    """Participants per step and per outcome. With `now`, a closed or ended journey that
    holds no one shows COMPLETED."""
    async with database.session() as session:
        state = await get_state(session, name)
        latest = await get_journey(session, name)
        entered = await count_entries(session, name)
        told = await told_exits(session, name)
    if state is None or latest is None:
        raise LifecycleError(f"journey {name!r} is not published; `herald apply` it first")
    by_status: Counter[str] = Counter()
    at_step: Counter[str] = Counter()
    outcomes: Counter[str] = Counter()
    async for entry, status_name, step in participants(temporal, database, name):
        by_status[status_name] += 1
        if status_name == WorkflowExecutionStatus.RUNNING.name:
            at_step[step or "?"] += 1
            continue
        how = told.get(entry.workflow_id, status_name.lower())
        # HeraldStep keeps the last step a finished participant was on: where it left.
        outcomes[f"{how} at {step or '?'}"] += 1
    running = by_status.get("RUNNING", 0)
    if now is not None and running == 0 and _may_be_completed(latest, state, now):
        state = "COMPLETED"
    return JourneyStatus(
        journey=name,
        state=state,
        latest_version=latest.version,
        entered=entered,
        running=running,
        finished=sum(by_status.values()) - running,
        at_step=dict(at_step),
        by_status=dict(by_status),
        outcomes=dict(outcomes),
    )
