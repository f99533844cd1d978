"""`split` and `multi_split`: conditions evaluated by an activity, then a branch."""

from __future__ import annotations

from datetime import timedelta

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from herald.models.conditions import ConditionGroup
    from herald.models.journey_ops import EvaluateRequest, EvaluateResult
    from herald.models.journey_run import EVALUATE_ACTIVITY
    from herald.models.journey_steps import MultiSplitStep, SplitStep

from workflows.steps.context import StepContext
from workflows.steps.policies import LOOKUP_RETRY, LOOKUP_TIMEOUT
from workflows.steps.waiting import wait_until

# A participant migrated during a split's evaluation wait began that wait anew on its new
# version; now the time it had waited counts, as for the other waits. Asked only by a
# migrated run that carries waited time.
SPLIT_WAIT_CREDIT_PATCH = "split-wait-keeps-time-waited"


async def run_split(ctx: StepContext, step_id: str, step: SplitStep) -> tuple[str | None, str]:
    group = ConditionGroup(match=step.match, conditions=step.conditions)
    [yes] = await _evaluate(ctx, step_id, [group], step.evaluation_wait)
    return (step.yes, "yes") if yes else (step.no, "no")


async def run_multi_split(
    ctx: StepContext, step_id: str, step: MultiSplitStep
) -> tuple[str | None, str]:
    answers = await _evaluate(ctx, step_id, list(step.branches), step.evaluation_wait)
    for index, (branch, matched) in enumerate(zip(step.branches, answers, strict=True)):
        if matched:
            return branch.next, f"branch {index + 1}"
    return step.else_next, "else"


async def _evaluate(
    ctx: StepContext, step_id: str, groups: list[ConditionGroup], wait: timedelta | None
) -> list[bool]:
    if wait:
        until = workflow.now() + wait
        if ctx.credit and workflow.patched(SPLIT_WAIT_CREDIT_PATCH):
            until = ctx.deadline(wait)
        await wait_until(ctx, until, waiting_for="timer", summary=f"{step_id}: wait {wait}")
    result: EvaluateResult = await workflow.execute_activity(
        EVALUATE_ACTIVITY,
        EvaluateRequest(
            endpoint_id=ctx.participant,
            participant=ctx.participant_kind,
            journey=ctx.inp.journey.name,
            groups=[ConditionGroup(match=g.match, conditions=g.conditions) for g in groups],
            entered_at=ctx.state.visits[0].entered_at if ctx.state.visits else workflow.now(),
            now=workflow.now(),
            message_keys=ctx.state.message_keys,
        ),
        result_type=EvaluateResult,
        start_to_close_timeout=LOOKUP_TIMEOUT,
        retry_policy=LOOKUP_RETRY,
        summary=f"{step_id}: evaluate {len(groups)} condition group(s)",
    )
    return result.matches
