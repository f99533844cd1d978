"""`wait`: a duration, an absolute time, a local time of day, or an attribute's date."""

from __future__ import annotations

from datetime import datetime

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from herald.models import WaitStep
    from herald.models.journey_ops import PlanWaitRequest, PlanWaitResult
    from herald.models.journey_run import PLAN_WAIT_ACTIVITY

from workflows.steps.context import StepContext
from workflows.steps.policies import LOOKUP_RETRY, LOOKUP_TIMEOUT
from workflows.steps.waiting import wait_until


async def run_wait(ctx: StepContext, step_id: str, step: WaitStep) -> tuple[str | None, str]:
    until = await _resolve(ctx, step_id, step)
    summary = f"{step_id}: wait {step.duration}" if step.duration else f"{step_id}: until {until}"
    fixed = step.duration is None  # a date, a time of day: a pause does not move it
    await wait_until(ctx, until, waiting_for="timer", summary=summary, stretches=not fixed)
    return step.next, "waited"


async def _resolve(ctx: StepContext, step_id: str, step: WaitStep) -> datetime:
    if step.duration is not None:
        return ctx.deadline(step.duration)
    if step.until is not None:
        return step.until
    # Local times and attribute dates depend on the participant's timezone and data: an
    # activity resolves them once and the answer is kept in history.
    plan: PlanWaitResult = await workflow.execute_activity(
        PLAN_WAIT_ACTIVITY,
        PlanWaitRequest(
            endpoint_id=ctx.participant,
            participant=ctx.participant_kind,
            step=step,
            now=workflow.now(),
            default_timezone=ctx.inp.journey.settings.schedule.timezone,
        ),
        result_type=PlanWaitResult,
        start_to_close_timeout=LOOKUP_TIMEOUT,
        retry_policy=LOOKUP_RETRY,
        summary=f"{step_id}: resolve wait for {ctx.participant}",
    )
    return plan.until
