"""`send`: render a template for the participant and hand it to the channel's provider."""

from __future__ import annotations

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from herald.models import SEND_ACTIVITY, SendRequest, SendResult, SendStep

from workflows.steps.context import StepContext
from workflows.steps.policies import SEND_RETRY, SEND_TIMEOUT


def idempotency_key(ctx: StepContext, step_id: str) -> str:
    # Made in the workflow so every retry of the activity carries the same key; uuid4() is
    # replay-stable, and the ids make the key readable in the message log.
    return f"{workflow.info().workflow_id}:{step_id}:{workflow.uuid4()}"


async def run_send(ctx: StepContext, step_id: str, step: SendStep) -> tuple[str | None, str]:
    key = idempotency_key(ctx, step_id)
    ctx.state.message_keys[step_id] = key
    request = SendRequest(
        idempotency_key=key,
        endpoint_id=ctx.participant,
        channel=step.channel,
        template=step.template,
        template_version=step.template_version,
        substitutions=step.substitutions,
        journey=ctx.inp.journey.name,
        journey_version=ctx.inp.version,
        step_id=step_id,
    )
    result = await workflow.execute_activity(
        SEND_ACTIVITY,
        request,
        result_type=SendResult,
        start_to_close_timeout=SEND_TIMEOUT,
        retry_policy=SEND_RETRY,
        summary=f"{step.channel.value} '{step.template}' to {ctx.participant}",
    )
    outcome = result.outcome.value.lower()
    if result.reason:
        outcome += f": {result.reason}"
    return step.next, outcome
