"""One small function per step type. Each returns (next step id or None, outcome)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from herald.models import Step

from workflows.steps.chance import run_holdout, run_random_split
from workflows.steps.context import Inbox, Migrating, StepContext, Stopped
from workflows.steps.exit import run_exit
from workflows.steps.send import run_send
from workflows.steps.split import run_multi_split, run_split
from workflows.steps.update import run_update
from workflows.steps.wait import run_wait
from workflows.steps.wait_for_event import run_wait_for_event
from workflows.steps.wait_for_reply import run_wait_for_reply
from workflows.steps.webhook import run_webhook

StepOutcome = tuple[str | None, str]
_RUNNERS: dict[str, Callable[[StepContext, str, Any], Awaitable[StepOutcome]]] = {
    "send": run_send,
    "wait": run_wait,
    "wait_for_event": run_wait_for_event,
    "wait_for_reply": run_wait_for_reply,
    "split": run_split,
    "multi_split": run_multi_split,
    "random_split": run_random_split,
    "holdout": run_holdout,
    "update": run_update,
    "webhook": run_webhook,
    "exit": run_exit,
}


async def run_step(ctx: StepContext, step_id: str, step: Step) -> StepOutcome:
    return await _RUNNERS[step.type](ctx, step_id, step)


__all__ = ["Inbox", "Migrating", "StepContext", "StepOutcome", "Stopped", "run_step"]
