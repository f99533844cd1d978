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


async def run_wait_for_event(
    ctx: StepContext, step_id: str, step: WaitForEventStep
) -> tuple[str | None, str]:
    # Only events that arrive after the participant reached this step count (in a migrated
    # run, also those it had received at the step it moved from).
    start, _ = ctx.mark_inbox()

    def happened() -> bool:
        return any(matches(e, step) for e in ctx.inbox.events[start:])

    until = ctx.deadline(step.timeout)
    summary = f"{step_id}: wait for {step.event_type} up to {step.timeout}"
    if await wait_until(ctx, until, waiting_for="event", summary=summary, done=happened):
        return step.on_event, f"event {step.event_type}"
    return step.on_timeout, "timed out"
