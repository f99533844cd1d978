"""Moving a journey's running participants to another version (`herald journeys migrate`),
refusing a step mapping that could lose anyone."""

from __future__ import annotations

from collections.abc import AsyncIterator

from temporalio.client import Client, WorkflowExecutionStatus

from herald.journeys.entry import signal_quietly
from herald.journeys.lifecycle import LifecycleError, described_entries
from herald.models import JourneyVersion
from herald.models.journey_run import MIGRATE_SIGNAL, MigrateSignal
from herald.store import Database
from herald.store.entries import EntryRecord, set_entry_version
from herald.store.journeys import get_journey


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
    async for entry, status_name, _, recorded in described_entries(temporal, database, name):
        if status_name == running:
            yield entry, recorded
