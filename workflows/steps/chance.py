"""`random_split` and `holdout`: workflow.random(), so a replay takes the same branch."""

from __future__ import annotations

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from herald.models.journey_steps import HoldoutStep, RandomSplitStep

from workflows.steps.context import StepContext


async def run_random_split(
    ctx: StepContext, step_id: str, step: RandomSplitStep
) -> tuple[str | None, str]:
    roll = workflow.random().randint(1, 100)
    total = 0
    for index, branch in enumerate(step.branches):
        total += branch.percent
        if roll <= total:
            return branch.next, f"branch {index + 1} (roll {roll})"
    raise AssertionError("percentages sum to 100, validated at apply")


async def run_holdout(ctx: StepContext, step_id: str, step: HoldoutStep) -> tuple[str | None, str]:
    roll = workflow.random().randint(1, 100)
    if roll <= step.percent:
        ctx.state.exit_reason = "holdout"
        return None, f"held out (roll {roll})"
    return step.next, f"continues (roll {roll})"
