"""A journey's lifecycle: activate, pause, resume, close, cancel, status and migration.

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
    MIGRATE_SIGNAL,
    PAUSE_SIGNAL,
    RESUME_SIGNAL,
    MigrateSignal,
)
from herald.store import Database
from herald.store.entries import (
    EntryRecord,
    count_entries,
    entries,
    set_entry_version,
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
    async for entry, status_name, step, _ in _described(temporal, database, name):
        yield entry, status_name, step


async def _described(
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


async def migrate(
    temporal: Client, database: Database, name: str, version: int, step_map: dict[str, str]
) -> int:
    """Move running participants to `version`; refuse a mapping that could lose anyone.

    A participant notices a migration wherever it next looks at its signals: inside a wait,
    and before every step (the loop checks before each one, and a pause holds it before any
    one). So a participant busy at one step when signalled may move at the next, which is
    any step of its version: the steps it is on now are not enough. Every step of every
    version a running participant is on must therefore exist in the target by the same id or
    be mapped onto one. Only participants on a version checked here are signalled.
    """
    async with database.session() as session:
        target = await get_journey(session, name, version)
    if target is None:
        raise LifecycleError(f"journey {name!r} has no version {version}")
    steps = target.journey.steps
    bad = {k: v for k, v in step_map.items() if v not in steps}
    if bad:
        raise LifecycleError(
            f"--map targets not in version {version}: {bad}; its steps: {', '.join(sorted(steps))}"
        )
    # Only forward: participants on a newer version than the target, or signalled to move to
    # one (busy, they still run an older one), stay put. Each is checked against the version
    # it runs, as it moves only when it next looks.
    movers = [
        e
        async for e, recorded in _running(temporal, database, name)
        if max(e.version, recorded) < version
    ]
    checked = {e.version for e in movers}
    await _check_mapping(database, name, checked, target, step_map)
    signal = MigrateSignal(journey=target.journey, version=version, step_map=step_map)
    moved = 0
    for entry in movers:
        if await signal_quietly(temporal, entry.workflow_id, MIGRATE_SIGNAL, signal):
            moved += 1
            async with database.session() as session:
                await set_entry_version(session, entry, version)
    return moved


async def _check_mapping(
    database: Database,
    name: str,
    checked: set[int],
    target: JourneyVersion,
    step_map: dict[str, str],
) -> None:
    """Refuse a mapping that leaves a step of a running version with nowhere to go, or that
    names a step no running version has."""
    version, steps = target.version, target.journey.steps
    sources: set[str] = set()
    problems = []
    for old in sorted(checked):
        async with database.session() as session:
            source = await get_journey(session, name, old)
        old_steps = source.journey.steps if source is not None else {}
        sources |= set(old_steps)
        lost = sorted(s for s in old_steps if step_map.get(s, s) not in steps)
        if lost:
            problems.append(f"participants on version {old} could be at steps {lost}")
    if problems:  # every version's at once, so one try shows every step to map
        raise LifecycleError(
            f"{'; '.join(problems)}, which version {version} does not have; map each with "
            f"--map OLD=NEW (version {version}'s steps: {', '.join(sorted(steps))})"
        )
    # A key naming no step participants could be on is a typo that would otherwise pass.
    unknown = sorted(set(step_map) - sources)
    if checked and unknown:
        versions = ", ".join(str(v) for v in sorted(checked))
        raise LifecycleError(
            f"--map OLD steps {unknown} are no step of version(s) {versions}, which "
            f"participants are on; their steps: {', '.join(sorted(sources))}"
        )


async def _running(
    temporal: Client, database: Database, name: str
) -> AsyncIterator[tuple[EntryRecord, int]]:
    """The journey's running participants, each with the version it runs, and the version
    recorded for it (the target of a migration it has not taken yet)."""
    running = WorkflowExecutionStatus.RUNNING.name
    async for entry, status_name, _, recorded in _described(temporal, database, name):
        if status_name == running:
            yield entry, recorded
