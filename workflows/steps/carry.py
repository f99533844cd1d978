"""What a participant migrated before its step's wait began (held there by a pause, or
moving as it reached the step) takes along: what that wait would have counted."""

from __future__ import annotations

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from herald.models.journey_steps import WaitForEventStep, WaitForReplyStep

from workflows.steps.context import StepContext
from workflows.steps.wait_for_reply import since_message

# Such a participant lost the events and replies it had received at the step (a reply to its
# message too): only a wait that had begun carried any. Asked only when there are some.
HELD_INBOX_PATCH = "migration-carries-held-inbox"


def held_mark(ctx: StepContext) -> tuple[int, int] | None:
    """Where the current step's wait, begun now, would count from (events, replies); None
    at a step that counts neither."""
    step = ctx.inp.journey.steps.get(ctx.state.current_step or "")
    events, replies = ctx.reached_mark
    if isinstance(step, WaitForReplyStep):
        since = since_message(ctx, step)
        return events, replies if since is None else min(since, replies)
    if isinstance(step, WaitForEventStep):
        return events, replies
    return None
