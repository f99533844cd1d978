"""Durable waits that a pause stops, a cancel or a migration interrupts, and a signal ends.

Each wait is one Temporal timer per uninterrupted stretch; a pause stops the clock (the
remaining time is waited after resume), as Pinpoint's paused journeys did.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from herald.models.journey_run import HERALD_WAITING_FOR, MigrateSignal

from workflows.steps.context import Inbox, Migrating, StepContext, Stopped

# Participants that started waiting before HeraldWaitingFor was set have no such upsert in
# their history; the patch keeps their replay deterministic.
WAITING_FOR_PATCH = "wait-sets-herald-waiting-for"
# Before this, a migration whose mapped step the target lacks continued as new anyway and the
# next run failed on the missing step, forever. Such a run's history ends in that
# continue-as-new, so only a closed run (replayed for a query) has it; the patch keeps those
# replaying, and costs one marker in the rare run that refuses a migration.
MIGRATE_CHECK_PATCH = "migrate-refuses-missing-step"
# A pause that held a participant between steps left HeraldWaitingFor at `paused` after the
# resume (until its next wait, or for good once it finished); now it is cleared.
RESUME_CLEARS_PAUSED_PATCH = "resume-clears-herald-waiting-for"
# A migration signal replaced any earlier one not yet taken, so `--to 3` then `--to 2` sent
# to a busy participant moved it back to 2. Asked only when an older target is now ignored.
NEWEST_MIGRATION_PATCH = "migration-keeps-newest-target"
# A pause stretched every deadline by its length, a time of day or a quiet time's end too;
# now only durations and timeouts stretch. Asked only when such a wait resumes.
FIXED_DEADLINE_PATCH = "pause-keeps-fixed-deadlines"


async def wait_until(
    ctx: StepContext,
    until: datetime,
    *,
    waiting_for: str,
    summary: str,
    done: Callable[[], bool] | None = None,
    stretches: bool = True,
) -> bool:
    """Wait until `until` (False) or until `done()` holds (True). `stretches`: `until` ends
    a duration or timeout, so a pause moves it on by its length (Pinpoint paused wait time);
    a fixed time (a date, a time of day, the end of quiet time) stays, and a resume after it
    goes on at once."""
    marked = workflow.patched(WAITING_FOR_PATCH)
    _announce(ctx, waiting_for, until, marked)
    waiting = _Waiting(summary, done or (lambda: False), waiting_for, marked, stretches)
    try:
        return await _wait_loop(ctx, until, waiting)
    finally:
        ctx.state.waiting_until = ctx.state.waiting_for = None
        if marked:
            workflow.upsert_search_attributes([HERALD_WAITING_FOR.value_unset()])


@dataclass(frozen=True)
class _Waiting:
    summary: str
    done: Callable[[], bool]
    waiting_for: str
    marked: bool
    stretches: bool


async def _wait_loop(ctx: StepContext, until: datetime, waiting: _Waiting) -> bool:
    inbox, done = ctx.inbox, waiting.done
    # The waiting clock, for a migration to carry: it started earlier by a credit already
    # counted, and later by every pause.
    begun, paused_at = workflow.now() - ctx.credit, None
    try:
        while True:
            raise_if_stopping(ctx)
            if done():
                return True
            remaining = until - workflow.now()
            if remaining.total_seconds() <= 0:
                return False
            try:
                await workflow.wait_condition(
                    lambda: done() or inbox.interrupted(),
                    timeout=remaining,
                    timeout_summary=waiting.summary,
                )
            except TimeoutError:
                return done()
            if inbox.paused and not done():
                paused_at = workflow.now()
                await hold_while_paused(ctx, waiting.marked)
                pause = workflow.now() - paused_at
                if waiting.stretches or not workflow.patched(FIXED_DEADLINE_PATCH):
                    until += pause
                begun, paused_at = begun + pause, None
                _announce(ctx, waiting.waiting_for, until, waiting.marked)
    except Migrating:
        ctx.waited = (paused_at or workflow.now()) - begun
        raise


async def hold_while_paused(ctx: StepContext, marked: bool = True) -> None:
    """Block while the journey is paused (no timer: a pause lasts until resumed)."""
    inbox = ctx.inbox
    if not inbox.paused:
        return
    ctx.state.paused = True
    if marked:
        workflow.upsert_search_attributes([HERALD_WAITING_FOR.value_set("paused")])
    workflow.set_current_details(f"**paused** at step `{ctx.state.current_step}`")
    while True:
        await workflow.wait_condition(
            lambda: not inbox.paused or inbox.cancel_reason is not None or inbox.migrate is not None
        )
        ctx.state.paused = False
        try:
            raise_if_stopping(ctx)
        except (Stopped, Migrating):
            _leave_pause(ctx, marked)
            raise
        if not inbox.paused:
            _leave_pause(ctx, marked)
            return
        ctx.state.paused = True  # a migration was refused: still paused


def _leave_pause(ctx: StepContext, marked: bool) -> None:
    """Clear HeraldWaitingFor on leaving a pause (resumed, cancelled or migrating): inside a
    wait the wait announces itself again, but between steps nothing would. Not in a finally:
    that would also run when the worker evicts the workflow, outside its event loop."""
    if marked and ctx.state.waiting_for is None and workflow.patched(RESUME_CLEARS_PAUSED_PATCH):
        workflow.upsert_search_attributes([HERALD_WAITING_FOR.value_unset()])


def raise_if_stopping(ctx: StepContext) -> None:
    inbox = ctx.inbox
    if inbox.cancel_reason is not None:
        raise Stopped(inbox.cancel_reason)
    target = inbox.migrate
    if target is None:
        return
    if ctx.migration_step(target) in target.journey.steps:
        raise Migrating()
    if not workflow.patched(MIGRATE_CHECK_PATCH):
        raise Migrating()
    _refuse_migration(ctx, target)


def take_migration(inbox: Inbox, target: MigrateSignal) -> None:
    """A migration signal: it replaces one not taken yet, unless that one is newer."""
    pending = inbox.migrate
    older = pending is not None and target.version < pending.version
    if older and workflow.patched(NEWEST_MIGRATION_PATCH):
        return
    inbox.migrate = target


def _refuse_migration(ctx: StepContext, target: MigrateSignal) -> None:
    """Keep the participant on its version, at its step, and say why: moving it to a step
    the target lacks would lose it. Its wait, if any, goes on to the same deadline."""
    ctx.inbox.migrate = None
    current, resume_at = ctx.state.current_step, ctx.migration_step(target)
    mapped = "" if resume_at == current else f" (mapped to {resume_at!r})"
    reason = (
        f"not moved to version {target.version}: it has no step {resume_at!r}{mapped} for "
        f"step {current!r}; its steps: {', '.join(sorted(target.journey.steps))}"
    )
    ctx.state.migration_refused = reason
    workflow.logger.warning("journey %s: %s", ctx.inp.journey.name, reason)


def _announce(ctx: StepContext, waiting_for: str, until: datetime, marked: bool) -> None:
    ctx.state.waiting_until, ctx.state.waiting_for = until, waiting_for
    step = ctx.state.current_step
    workflow.set_current_details(
        f"**step** `{step}`: waiting for {waiting_for} until {until.isoformat()}"
    )
    if marked:
        workflow.upsert_search_attributes([HERALD_WAITING_FOR.value_set(waiting_for)])
