"""JourneyWorkflow: one participant going through one published journey version.

A short loop: hold while paused, look up the step, announce it (search attribute, current
details), run the step's function, follow the id it returns. Each step type is one small
function in `steps/`. Signals feed the inbox that waits look at: app events, replies, pause,
resume, cancel, and a migration to a newer version (which continues as new on that version).
"""

# No `from __future__ import annotations` in this module: the sandbox runs it again for each
# new participant, and temporalio reads the run and signal methods' type hints each time;
# as strings they were compiled anew on every run (about a quarter of that cost).
from datetime import timedelta
from typing import Any

from temporalio import workflow
from temporalio.common import SearchAttributePair
from temporalio.exceptions import ActivityError, ApplicationError

with workflow.unsafe.imports_passed_through():
    from herald.models import (
        JOURNEY_WORKFLOW,
        JourneyInput,
        JourneyResult,
        JourneyState,
        Step,
        StepVisit,
    )
    from herald.models.journey_progress import (
        CANCELLED,
        DELETED,
        PARTICIPANT_GONE,
        PROGRESS_ACTIVITY,
        PROGRESS_PATCH,
        PROGRESS_RIDES_SENDS,
        WAITING_STEP_TYPES,
        JourneyExit,
        JourneyProgress,
        StepReached,
    )
    from herald.models.journey_run import (
        CANCEL_SIGNAL,
        EVENT_SIGNAL,
        HERALD_JOURNEY_VERSION,
        HERALD_STEP,
        MIGRATE_SIGNAL,
        PAUSE_SIGNAL,
        REPLY_SIGNAL,
        RESUME_SIGNAL,
        Carried,
        EventSignal,
        MigrateSignal,
        ReplySignal,
    )
    from workflows.steps import Inbox, Migrating, StepContext, Stopped, run_step
    from workflows.steps.carry import HELD_INBOX_PATCH, held_mark
    from workflows.steps.policies import LOOKUP_RETRY, LOOKUP_TIMEOUT
    from workflows.steps.send import release_held
    from workflows.steps.waiting import hold_while_paused, raise_if_stopping, take_migration

# Before this a participant migrated during a wait began the mapped wait's duration (or
# timeout) anew, and one migrated while its journey was paused ran on unpaused; now the
# time it had waited counts and it stays held. Only a run continued with either carried
# asks, so other participants' histories gain no marker.
MIGRATION_CARRIES_PATCH = "migration-carries-wait-and-pause"
# A participant migrated with events or replies already received at the step it waited at
# lost them: the new run began with an empty inbox. Asked only when there are some.
MIGRATION_INBOX_PATCH = "migration-carries-inbox"
# A participant that entered on an event and migrated lost the event: the new version's sends
# failed on `Journey.Event`. The continued run now carries it.
TRIGGER_CARRIED_PATCH = "migration-carries-trigger"
# A participant whose endpoint (or user) was deleted while it waited failed its workflow at
# the next step that looks it up (a split, a wait in its timezone, a webhook), with no exit
# recorded. It now leaves, as a cancelled one does. Asked only when that happens.
DELETED_PARTICIPANT_PATCH = "deleted-participant-leaves"
# Loops must pass through a wait (validated at apply), so this bound is only reached by a
# participant looping for a very long time; it keeps history bounded all the same.
MAX_STEPS = 1000


@workflow.defn(name=JOURNEY_WORKFLOW)
class JourneyWorkflow:
    def __init__(self) -> None:
        self._state: JourneyState | None = None
        self._inbox = Inbox()
        self._unreported: list[StepReached] = []
        # The next step's visit, already reported by the send that led to it.
        self._reported_ahead: StepReached | None = None
        self._exit_reported = False

    @workflow.run
    async def run(self, inp: JourneyInput) -> JourneyResult:
        state = self._initial_state(inp)
        ctx = StepContext(inp=inp, state=state, inbox=self._inbox)
        self._carry_over(ctx)
        if inp.trigger is not None and inp.carried is None:
            self.event(inp.trigger)
        elif inp.trigger is not None:  # carried by a migration for sends to render: old news
            self._inbox.seen_ids.add(inp.trigger.id)
        step_id: str | None = inp.start_at or inp.journey.start
        _refuse_missing_start(inp)
        try:
            for _ in range(MAX_STEPS):
                if step_id is None:
                    break
                step_id = await self._run_one(ctx, step_id)
                ctx.credit, ctx.inbox_mark, ctx.from_start = timedelta(), None, False
        except Stopped as stop:
            state.exit_reason = f"{CANCELLED} {stop}"
            await release_held(ctx, f"held, then the participant left: {state.exit_reason}")
        except Migrating:
            assert self._inbox.migrate is not None
            moved = f"held, then the participant moved to version {self._inbox.migrate.version}"
            await release_held(ctx, moved)
            self._continue_on_new_version(ctx)
        except (ActivityError, ApplicationError) as err:
            gone = _deleted_participant(err)
            if gone is None or not workflow.patched(DELETED_PARTICIPANT_PATCH):
                raise
            state.exit_reason = f"{DELETED} {gone}"
            await release_held(ctx, f"held, then the participant left: {state.exit_reason}")
        state.exit_reason = state.exit_reason or "completed"
        last = state.visits[-1].step_id if state.visits else None
        if not self._exit_reported:
            leaving = JourneyExit(step_id=last, reason=state.exit_reason, at=workflow.now())
            await self._report(ctx, leaving)
        return self._finish(ctx)

    def _carry_over(self, ctx: StepContext) -> None:
        """From the version a migration moved the participant off: the time it had waited
        (for the step it resumes at only) and the journey's pause."""
        carried = ctx.inp.carried
        if carried is None:
            return
        # Moved from a wait (or with signals in hand): the first step counts what the old
        # run had received there, and what reaches this one before it begins (a hold).
        moved_waiting = carried.waited is not None or carried.events or carried.replies
        if moved_waiting and workflow.patched(MIGRATION_INBOX_PATCH):
            self._take_carried_inbox(ctx, carried)
        if carried.waited is None and not carried.paused:
            return
        if workflow.patched(MIGRATION_CARRIES_PATCH):
            ctx.credit = carried.waited or timedelta()
            if not self._inbox.pause_signalled:  # a resume may reach the new run first
                self._inbox.paused = carried.paused

    def _take_carried_inbox(self, ctx: StepContext, carried: Carried) -> None:
        """What the participant had received at the step it moved from goes ahead of what
        reached this run already (by id, once), and its first step counts it all."""
        inbox = self._inbox
        events = [e for e in carried.events if e.id not in inbox.seen_ids]
        replies = [r for r in carried.replies if r.id not in inbox.seen_ids]
        inbox.events[:0], inbox.replies[:0] = events, replies
        inbox.seen_ids |= {e.id for e in events} | {r.id for r in replies}
        ctx.from_start = True

    def _initial_state(self, inp: JourneyInput) -> JourneyState:
        carried = inp.carried
        state = JourneyState(
            journey=inp.journey.name,
            version=inp.version,
            participant_id=inp.participant_id,
            current_step=inp.start_at or inp.journey.start,
            visits=list(carried.visits) if carried else [],
            message_keys=dict(carried.message_keys) if carried else {},
        )
        self._state = state
        return state

    async def _run_one(self, ctx: StepContext, step_id: str) -> str | None:
        ctx.state.current_step = step_id
        ctx.mark_reached()  # before any hold: what arrives while held counts at this step
        step = ctx.inp.journey.steps[step_id]
        rides = workflow.patched(PROGRESS_RIDES_SENDS)
        # Since progress rides with sends, a step is reached once routed to, as the send
        # before it may already have reported: a pause then holds the participant at this
        # step, and a cancel arriving now leaves from it.
        visit = self._visit(ctx, step_id, step) if rides else None
        await hold_while_paused(ctx)
        raise_if_stopping(ctx)
        if visit is None:
            visit = self._visit(ctx, step_id, step)
        if _waits(step) and self._unreported:
            await self._report(ctx)
        title = f" ({step.title})" if step.title else ""
        workflow.set_current_details(f"**step** `{step_id}`{title}: {step.type}")
        ahead = self._ride_with_send(ctx, step_id, step) if rides else None
        next_id, outcome = await run_step(ctx, step_id, step)
        visit.outcome = outcome
        if ctx.progress_recorded:
            self._unreported, self._reported_ahead = [], ahead
            self._exit_reported = ctx.progress is not None and ctx.progress.exit is not None
        ctx.progress, ctx.progress_recorded = None, False
        return next_id

    def _visit(self, ctx: StepContext, step_id: str, step: Step) -> StepVisit:
        visit = StepVisit(step_id=step_id, type=step.type, entered_at=workflow.now())
        if ctx.inp.version > 1:
            visit.version = ctx.inp.version
        ctx.state.visits.append(visit)
        workflow.upsert_search_attributes([HERALD_STEP.value_set(step_id)])
        reached = StepReached(visit_n=len(ctx.state.visits), step_id=step_id, at=visit.entered_at)
        ahead = self._reported_ahead
        self._reported_ahead = None
        if ahead is None or (ahead.visit_n, ahead.step_id) != (reached.visit_n, step_id):
            self._unreported.append(reached)
        return visit

    def _ride_with_send(self, ctx: StepContext, step_id: str, step: Step) -> StepReached | None:
        """Hand a send step the progress to record with its outcome, saving a local activity
        each: the steps reached so far (recorded even while quiet time holds the send), the
        next step when it waits (reported before waiting otherwise), and the exit when the
        send is the last step. Returns the next step's visit when it is reported ahead."""
        if step.type != "send":
            return None
        following = ctx.inp.journey.steps[step.next] if step.next else None
        ahead = None
        if step.next is not None and following is not None and _waits(following):
            ahead = StepReached(
                visit_n=len(ctx.state.visits) + 1, step_id=step.next, at=workflow.now()
            )
        leaving = None
        if step.next is None:
            leaving = JourneyExit(step_id=step_id, reason="completed", at=workflow.now())
        ctx.progress = JourneyProgress(
            workflow_id=workflow.info().workflow_id,
            journey=ctx.inp.journey.name,
            reached=list(self._unreported),
            exit=leaving,
            next_step=ahead,
        )
        return ahead

    async def _report(self, ctx: StepContext, leaving: JourneyExit | None = None) -> None:
        """Tell the store which steps the participant reached (and, at the end, how it left)
        for the journey's metrics: in one local activity when it is about to wait or leaves,
        not one per step (which made the benchmark journey about a third slower). Participants that
        started before this existed report nothing, so their histories replay unchanged."""
        if not workflow.patched(PROGRESS_PATCH):
            return
        progress = JourneyProgress(
            workflow_id=workflow.info().workflow_id,
            journey=ctx.inp.journey.name,
            reached=self._unreported,
            exit=leaving,
        )
        self._unreported = []
        steps = ", ".join(r.step_id for r in progress.reached)
        what = f"exit ({leaving.reason})" if leaving else "reached"
        await workflow.execute_local_activity(
            PROGRESS_ACTIVITY,
            progress,
            start_to_close_timeout=LOOKUP_TIMEOUT,
            retry_policy=LOOKUP_RETRY,
            summary=f"progress: {what} {steps}".strip(),
        )

    def _continue_on_new_version(self, ctx: StepContext) -> None:
        target = self._inbox.migrate
        assert target is not None
        resume_at = ctx.migration_step(target)
        # The next run inherits this run's search attributes unless given: without this,
        # HeraldJourneyVersion kept naming the version the participant left. Only the closing
        # command's attributes change, which replay does not compare: no patch needed.
        attributes = workflow.info().typed_search_attributes.updated(
            SearchAttributePair(HERALD_JOURNEY_VERSION, target.version)
        )
        workflow.continue_as_new(
            JourneyInput(
                journey=target.journey,
                version=target.version,
                participant_id=ctx.inp.participant_id,
                entry_n=ctx.inp.entry_n,
                start_at=resume_at,
                trigger=self._carried_trigger(ctx),
                carried=Carried(
                    entered_at=ctx.state.visits[0].entered_at
                    if ctx.state.visits
                    else workflow.now(),
                    visits=ctx.state.visits,
                    message_keys=ctx.state.message_keys,
                    waited=ctx.waited,
                    paused=self._inbox.paused,
                    **self._inbox_since_mark(ctx),
                ),
            ),
            search_attributes=attributes,
        )

    def _inbox_since_mark(self, ctx: StepContext) -> dict[str, list[Any]]:
        """Events and replies received since the waiting step began (or, its wait not begun,
        those it would count), for the new run. Asked only by one moving with some in hand."""
        mark, patch = ctx.inbox_mark, MIGRATION_INBOX_PATCH
        if mark is None:
            mark, patch = held_mark(ctx), HELD_INBOX_PATCH
        if mark is None:
            return {}
        events, replies = self._inbox.events[mark[0] :], self._inbox.replies[mark[1] :]
        if not (events or replies) or not workflow.patched(patch):
            return {}
        return {"events": events, "replies": replies}

    @staticmethod
    def _carried_trigger(ctx: StepContext) -> EventSignal | None:
        """The event that entered the participant, for the new version's sends to render
        (`Journey.Event.*`). Asked only by an event-entered participant that migrates."""
        trigger = ctx.inp.trigger
        return trigger if trigger is not None and workflow.patched(TRIGGER_CARRIED_PATCH) else None

    def _finish(self, ctx: StepContext) -> JourneyResult:
        state = ctx.state
        state.current_step, state.finished = None, True
        reason = state.exit_reason or "completed"
        workflow.set_current_details(f"**finished** ({reason}) after {len(state.visits)} steps")
        return JourneyResult(
            journey=ctx.inp.journey.name,
            version=ctx.inp.version,
            participant_id=ctx.inp.participant_id,
            visits=state.visits,
            exit_step=state.visits[-1].step_id if state.visits else None,
            exit_reason=reason,
        )

    @workflow.signal(name=EVENT_SIGNAL)
    def event(self, event: EventSignal) -> None:
        if event.id not in self._inbox.seen_ids:
            self._inbox.seen_ids.add(event.id)
            self._inbox.events.append(event)

    @workflow.signal(name=REPLY_SIGNAL)
    def reply(self, reply: ReplySignal) -> None:
        if reply.id not in self._inbox.seen_ids:
            self._inbox.seen_ids.add(reply.id)
            self._inbox.replies.append(reply)

    @workflow.signal(name=PAUSE_SIGNAL)
    def pause(self) -> None:
        self._inbox.paused = self._inbox.pause_signalled = True

    @workflow.signal(name=RESUME_SIGNAL)
    def resume(self) -> None:
        self._inbox.paused, self._inbox.pause_signalled = False, True

    @workflow.signal(name=CANCEL_SIGNAL)
    def cancel(self, reason: str) -> None:
        self._inbox.cancel_reason = reason or "cancelled"

    @workflow.signal(name=MIGRATE_SIGNAL)
    def migrate(self, target: MigrateSignal) -> None:
        take_migration(self._inbox, target)

    @workflow.query
    def state(self) -> JourneyState | None:
        return self._state


def _refuse_missing_start(inp: JourneyInput) -> None:
    """Fail the run, visibly, when its start step is not in its version. Only a run continued
    by a migration before the step check existed starts so; its first workflow task raised a
    KeyError and was retried forever, so it has no recorded commands to replay."""
    start = inp.start_at or inp.journey.start
    if start not in inp.journey.steps:
        raise ApplicationError(
            f"journey {inp.journey.name} version {inp.version} has no step {start!r} to "
            f"start at; its steps: {', '.join(sorted(inp.journey.steps))}",
            type="MissingStep",
            non_retryable=True,
        )


def _waits(step: Step) -> bool:
    """Steps a participant may stay on for a while: its visits are reported before them."""
    return step.type in WAITING_STEP_TYPES or bool(getattr(step, "evaluation_wait", None))


def _deleted_participant(err: ActivityError | ApplicationError) -> str | None:
    """What a step's activity said when it found the participant deleted, else None. A
    local activity's failure (a send's) reaches the workflow as the activity raised it, not
    wrapped in an ActivityError."""
    cause = err.cause if isinstance(err, ActivityError) else err
    if isinstance(cause, ApplicationError) and cause.type == PARTICIPANT_GONE:
        return cause.message
    return None
