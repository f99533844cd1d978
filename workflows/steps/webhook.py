"""`webhook`: an HTTP call with a templated body; response fields saved as attributes."""

from __future__ import annotations

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from herald.models.journey_ops import WebhookRequest, WebhookResult
    from herald.models.journey_run import WEBHOOK_ACTIVITY
    from herald.models.journey_steps import WebhookStep

from workflows.steps.context import StepContext
from workflows.steps.policies import SEND_RETRY


async def run_webhook(ctx: StepContext, step_id: str, step: WebhookStep) -> tuple[str | None, str]:
    key = f"{workflow.info().workflow_id}:{step_id}:{workflow.uuid4()}"
    result = await workflow.execute_activity(
        WEBHOOK_ACTIVITY,
        _request(ctx, step_id, step, key),
        result_type=WebhookResult,
        start_to_close_timeout=step.timeout * 2,
        retry_policy=SEND_RETRY,
        summary=f"{step_id}: {step.method} {step.url.host}",
    )
    return step.next, f"HTTP {result.status_code}"


def _request(ctx: StepContext, step_id: str, step: WebhookStep, key: str) -> WebhookRequest:
    # The version and entering event only grow the activity's input, not the workflow's
    # commands, so participants already running replay as before without a patch.
    trigger = ctx.inp.trigger
    return WebhookRequest(
        idempotency_key=key,
        endpoint_id=ctx.participant,
        participant=ctx.participant_kind,
        journey=ctx.inp.journey.name,
        journey_version=ctx.inp.version,
        step_id=step_id,
        url=str(step.url),
        method=step.method,
        headers=step.headers,
        body=step.body,
        save=step.save,
        timeout=step.timeout,
        event_type=trigger.event_type if trigger else None,
        event=trigger.attributes if trigger else None,
    )
