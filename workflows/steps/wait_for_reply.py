"""`wait_for_reply`: a two-way reply to an earlier SMS or email, routed by keyword or pattern."""

from __future__ import annotations

import re

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from herald.models.journey_run import ReplySignal
    from herald.models.journey_steps import ReplyBranch, SendStep, WaitForReplyStep
    from herald.models.reply_words import keyword_form

from workflows.steps.context import StepContext
from workflows.steps.waiting import wait_until

# Keywords compare as STOP does (`keyword_form`): "Sí" is SI, "Yes!🙂" is YES. Before this
# patch only case and .,!? around the first word were ignored.
FOLDED_KEYWORDS = "reply-keywords-folded"


def branch_for(
    text: str, branches: list[ReplyBranch], *, folded: bool = True
) -> ReplyBranch | None:
    words = text.strip().split()
    form = keyword_form if folded else _plain_form
    first = form(words[0]) if words else ""
    for branch in branches:
        if first and first in {form(k) for k in branch.keywords}:
            return branch
        if branch.pattern and re.search(branch.pattern, text.strip()):
            return branch
    return None


def _plain_form(word: str) -> str:
    return word.casefold().strip(".,!?")


def chosen_branch(text: str, branches: list[ReplyBranch]) -> ReplyBranch | None:
    """The reply's branch; the patch is asked only when folding changes it, so the history
    of every other reply is as it was."""
    plain, folded = branch_for(text, branches, folded=False), branch_for(text, branches)
    if folded is not plain and workflow.patched(FOLDED_KEYWORDS):
        return folded
    return plain


# A reply that came after the message but before the wait began (during a split's evaluation
# wait, say) counts: before this patch it was taken by the workflow and never read.
EARLY_REPLIES = "reply-counts-from-its-message"


def since_message(ctx: StepContext, step: WaitForReplyStep) -> int | None:
    """The first reply after the step's message less what an earlier wait took; None when
    the message went in an earlier run (a migrated run counts from what it was given)."""
    sent = ctx.reply_marks.get(step.after_step)
    if sent is None or ctx.from_start:
        return None
    return max(sent, ctx.replies_taken)


def first_counted(ctx: StepContext, step: WaitForReplyStep, channel: str) -> int:
    """The first reply the wait counts: from its message, or from the wait's start."""
    events, start = ctx.mark_inbox()
    since = since_message(ctx, step)
    if since is None:
        return start
    early = any(r.channel == channel for r in ctx.inbox.replies[since:start])
    # Asked only when such a reply is there, so every other wait's history is as it was.
    if early and workflow.patched(EARLY_REPLIES):
        ctx.inbox_mark = (events, since)  # a migration meanwhile carries it too
        return since
    return start


async def run_wait_for_reply(
    ctx: StepContext, step_id: str, step: WaitForReplyStep
) -> tuple[str | None, str]:
    sent = ctx.inp.journey.steps[step.after_step]
    channel = sent.channel.value if isinstance(sent, SendStep) else ""
    start = first_counted(ctx, step, channel)

    def reply() -> ReplySignal | None:
        return next((r for r in ctx.inbox.replies[start:] if r.channel == channel), None)

    until = ctx.deadline(step.timeout)
    summary = f"{step_id}: wait for a reply to {step.after_step} up to {step.timeout}"
    if not await wait_until(
        ctx, until, waiting_for="reply", summary=summary, done=lambda: reply() is not None
    ):
        return step.on_timeout, "timed out"
    got = reply()
    assert got is not None
    ctx.replies_taken = ctx.inbox.replies.index(got) + 1
    branch = chosen_branch(got.text, step.branches)
    if branch is None:
        return step.on_other_reply, f"reply {got.text[:40]!r} matched no branch"
    return branch.next, f"reply {got.text[:40]!r}"
