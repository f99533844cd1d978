"""`send`: render a template for the participant and hand it to the channel's provider.

The journey's sending rules travel with the request; a message held by quiet time, open
hours or a closed day comes back DEFERRED and is asked for again, under the same key, when
it may go.
"""

from __future__ import annotations

from datetime import timedelta

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from herald.models import SEND_ACTIVITY, SendRequest, SendResult, SendStep
    from herald.models.journey_progress import PROGRESS_ACTIVITY, HeldSend, JourneyProgress
    from herald.models.send import SendOutcome, SendPolicy

from workflows.steps.context import StepContext
from workflows.steps.policies import LOOKUP_RETRY, LOOKUP_TIMEOUT, SEND_RETRY, SEND_TIMEOUT
from workflows.steps.waiting import wait_until

# Workflows started before sends ran as local activities keep scheduling activity tasks.
LOCAL_SENDS = "local-sends"
LOCAL_RETRY_THRESHOLD = timedelta(seconds=30)

# A message deferred this often in a row (a misconfigured calendar) is given up as skipped.
MAX_DEFERRALS = 50
# A participant that stopped waiting for its held send (cancelled, migrated, or deferred too
# often) left the send's claim PENDING in the message log for good; now it is settled as
# SKIPPED. Asked only by a participant leaving a held send, so other histories are unchanged.
RELEASE_HELD_PATCH = "settle-held-send-on-leaving"


def idempotency_key(ctx: StepContext, step_id: str) -> str:
    # Made in the workflow so every retry of the activity carries the same key; uuid4() is
    # replay-stable, and the ids make the key readable in the message log.
    return f"{workflow.info().workflow_id}:{step_id}:{workflow.uuid4()}"


def _policy(ctx: StepContext, step: SendStep) -> SendPolicy | None:
    settings = ctx.inp.journey.settings
    limits = settings.limits
    rules = [
        limits.daily_cap,
        limits.total_cap,
        limits.timeframe_cap,
        limits.messages_per_second,
        settings.quiet_time,
        settings.open_hours,
        settings.closed_days.get(step.channel),
    ]
    if not any(rules):
        return None  # the common case keeps the request (and history) small
    return SendPolicy(
        limits=limits,
        quiet_time=settings.quiet_time,
        open_hours=settings.open_hours,
        closed_days=settings.closed_days.get(step.channel, []),
        default_timezone=settings.schedule.timezone,
    )


async def run_send(ctx: StepContext, step_id: str, step: SendStep) -> tuple[str | None, str]:
    key = idempotency_key(ctx, step_id)
    ctx.state.message_keys[step_id] = key
    trigger = ctx.inp.trigger
    request = SendRequest(
        idempotency_key=key,
        endpoint_id=ctx.participant,
        participant=ctx.participant_kind,
        channel=step.channel,
        template=step.template,
        template_version=step.template_version,
        substitutions=step.substitutions,
        journey=ctx.inp.journey.name,
        journey_version=ctx.inp.version,
        step_id=step_id,
        policy=_policy(ctx, step),
        event_type=trigger.event_type if trigger else None,
        event=trigger.attributes if trigger else None,
        progress=ctx.progress,
    )
    for _ in range(MAX_DEFERRALS):
        ctx.reply_marks[step_id] = len(ctx.inbox.replies)  # a reply after this answers it
        result = await _send(ctx, step, request.model_copy(update={"at": workflow.now()}))
        if result.outcome is not SendOutcome.DEFERRED or result.not_before is None:
            ctx.held_key = None
            # The activity records the progress with any outcome but DEFERRED.
            recorded = result.outcome is not SendOutcome.DEFERRED
            ctx.progress_recorded = recorded and ctx.progress is not None
            return step.next, _outcome(result)
        ctx.held_key = key
        summary = f"{step_id}: {result.reason}, until {result.not_before}"
        await wait_until(
            ctx, result.not_before, waiting_for="quiet_time", summary=summary, stretches=False
        )
    await release_held(ctx, f"deferred {MAX_DEFERRALS} times")
    return step.next, f"skipped: deferred {MAX_DEFERRALS} times"


async def release_held(ctx: StepContext, reason: str) -> None:
    """Settle the claim of the send the participant no longer waits for as SKIPPED, with
    `reason`; nothing when no send is held."""
    key, ctx.held_key = ctx.held_key, None
    if key is None or not workflow.patched(RELEASE_HELD_PATCH):
        return
    user = ctx.participant if ctx.participant_kind == "user" else None
    progress = JourneyProgress(
        workflow_id=workflow.info().workflow_id,
        journey=ctx.inp.journey.name,
        released=[HeldSend(idempotency_key=key, reason=reason, user_id=user)],
    )
    await workflow.execute_local_activity(
        PROGRESS_ACTIVITY,
        progress,
        start_to_close_timeout=LOOKUP_TIMEOUT,
        retry_policy=LOOKUP_RETRY,
        summary=f"settle held send as SKIPPED: {reason}",
    )


async def _send(ctx: StepContext, step: SendStep, request: SendRequest) -> SendResult:
    summary = f"{step.channel.value} '{step.template}' to {ctx.participant}"
    if workflow.patched(LOCAL_SENDS):
        # A send is short, and the message log's key already makes a re-run harmless, so it
        # runs in the workflow's own task: no activity task round trip through the server,
        # which is most of a journey step's cost. Long outages still back off (SEND_RETRY),
        # with timers in history once past the local retry threshold.
        local: SendResult = await workflow.execute_local_activity(
            SEND_ACTIVITY,
            request,
            result_type=SendResult,
            start_to_close_timeout=SEND_TIMEOUT,
            retry_policy=SEND_RETRY,
            local_retry_threshold=LOCAL_RETRY_THRESHOLD,
            summary=summary,
        )
        return local
    result: SendResult = await workflow.execute_activity(
        SEND_ACTIVITY,
        request,
        result_type=SendResult,
        start_to_close_timeout=SEND_TIMEOUT,
        retry_policy=SEND_RETRY,
        summary=summary,
    )
    return result


def _outcome(result: SendResult) -> str:
    outcome = result.outcome.value.lower()
    return f"{outcome}: {result.reason}" if result.reason else outcome
