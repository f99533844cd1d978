"""`wait_for_event`: an app event of the participant, or a timeout."""

from __future__ import annotations

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from herald.models.journey_run import EventSignal
    from herald.models.journey_steps import WaitForEventStep

from workflows.steps.context import StepContext
from workflows.steps.waiting import wait_until


def matches(event: EventSignal, step: WaitForEventStep) -> bool:
    if event.event_type != step.event_type:
        return False
    return all(event.attributes.get(k) == v for k, v in step.attributes.items())


# An event that came while a pause held the participant at this step, before its wait began,
# was not counted: the wait counted from its own start. Asked only when one is there.
HELD_EVENT_PATCH = "event-counts-from-its-step"


def first_counted(ctx: StepContext, step: WaitForEventStep) -> int:
    """The first event the wait counts: from when the participant reached the step."""
    start, replies = ctx.mark_inbox()
    reached = ctx.reached_mark[0]
    held = any(matches(e, step) for e in ctx.inbox.events[reached:start])
    # Asked only when such an event is there, so every other wait's history is as it was.
    if held and workflow.patched(HELD_EVENT_PATCH):
        ctx.inbox_mark = (reached, replies)
        return reached
    return start


async def run_wait_for_event(
    ctx: StepContext, step_id: str, step: WaitForEventStep
) -> tuple[str | None, str]:
    # Only events that arrive after the participant reached this step count (in a migrated
    # run, also those it had received at the step it moved from).
    start = first_counted(ctx, step)

    def happened() -> bool:
        return any(matches(e, step) for e in ctx.inbox.events[start:])

    until = ctx.deadline(step.timeout)
    summary = f"{step_id}: wait for {step.event_type} up to {step.timeout}"
    if await wait_until(ctx, until, waiting_for="event", summary=summary, done=happened):
        return step.on_event, f"event {step.event_type}"
    return step.on_timeout, "timed out"
