"""One small function per step type. Each returns (next step id or None, outcome)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from herald.models import Step

from workflows.steps.context import StepContext
from workflows.steps.exit import run_exit
from workflows.steps.send import run_send
from workflows.steps.wait import run_wait

StepOutcome = tuple[str | None, str]
_RUNNERS: dict[str, Callable[[StepContext, str, Any], Awaitable[StepOutcome]]] = {
    "send": run_send,
    "wait": run_wait,
    "exit": run_exit,
}


async def run_step(ctx: StepContext, step_id: str, step: Step) -> StepOutcome:
    return await _RUNNERS[step.type](ctx, step_id, step)


__all__ = ["StepContext", "StepOutcome", "run_step"]
