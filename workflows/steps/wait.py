"""`wait`: a durable timer. A worker restart, or a server restart, does not lose it."""

from __future__ import annotations

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from herald.models import WaitStep

from workflows.steps.context import StepContext


async def run_wait(ctx: StepContext, step_id: str, step: WaitStep) -> tuple[str | None, str]:
    until = workflow.now() + step.duration
    ctx.state.waiting_until = until
    workflow.set_current_details(
        f"**step** `{step_id}`: waiting {step.duration} until {until.isoformat()}"
    )
    await workflow.sleep(step.duration, summary=f"{step_id}: wait {step.duration}")
    ctx.state.waiting_until = None
    return step.next, "waited"
