"""`wait`: a durable timer. A worker restart, or a server restart, does not lose it."""

from __future__ import annotations

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from herald.models import WaitStep
    from herald.models.journey_run import HERALD_WAITING_FOR

from workflows.steps.context import StepContext

# Participants that started waiting before HeraldWaitingFor was set have no such upsert in
# their history; the patch keeps their replay deterministic.
WAITING_FOR_PATCH = "wait-sets-herald-waiting-for"


async def run_wait(ctx: StepContext, step_id: str, step: WaitStep) -> tuple[str | None, str]:
    until = workflow.now() + step.duration
    ctx.state.waiting_until = until
    workflow.set_current_details(
        f"**step** `{step_id}`: waiting {step.duration} until {until.isoformat()}"
    )
    marked = workflow.patched(WAITING_FOR_PATCH)
    if marked:
        workflow.upsert_search_attributes([HERALD_WAITING_FOR.value_set("timer")])
    await workflow.sleep(step.duration, summary=f"{step_id}: wait {step.duration}")
    if marked:
        workflow.upsert_search_attributes([HERALD_WAITING_FOR.value_unset()])
    ctx.state.waiting_until = None
    return step.next, "waited"
