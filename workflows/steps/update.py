"""`update`: set or remove endpoint / user attributes."""

from __future__ import annotations

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from herald.models.journey_ops import UpdateRequest, UpdateResult
    from herald.models.journey_run import UPDATE_ACTIVITY
    from herald.models.journey_steps import UpdateStep

from workflows.steps.context import StepContext
from workflows.steps.policies import LOOKUP_RETRY, LOOKUP_TIMEOUT


async def run_update(ctx: StepContext, step_id: str, step: UpdateStep) -> tuple[str | None, str]:
    result = await workflow.execute_activity(
        UPDATE_ACTIVITY,
        UpdateRequest(
            endpoint_id=ctx.participant,
            participant=ctx.participant_kind,
            scope=step.scope,
            set=step.set,
            remove=step.remove,
        ),
        result_type=UpdateResult,
        start_to_close_timeout=LOOKUP_TIMEOUT,
        retry_policy=LOOKUP_RETRY,
        summary=f"{step_id}: update {step.scope} attributes of {ctx.participant}",
    )
    return step.next, "updated" if result.changed else f"unchanged: {result.reason}"
