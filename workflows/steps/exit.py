"""`exit`: the participant leaves the journey."""

from __future__ import annotations

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from herald.models import ExitStep

from workflows.steps.context import StepContext


async def run_exit(ctx: StepContext, step_id: str, step: ExitStep) -> tuple[str | None, str]:
    return None, "exited"
