"""What a journey workflow reports about its participant, for the journey's metrics."""

from __future__ import annotations

from datetime import datetime

from pydantic import Field

from herald.models.base import HeraldModel

PROGRESS_ACTIVITY = "herald.journey.progress"
# Reports go out in batches: when the participant is about to wait, and when it leaves.
PROGRESS_PATCH = "journey-progress-batched"
# ... and, since this patch, with a send where one can carry them (see JourneyWorkflow).
PROGRESS_RIDES_SENDS = "journey-progress-rides-sends"

# How the exit reason of a participant a cancel stopped begins ("cancelled: journey X
# cancelled").
CANCELLED = "cancelled:"
# ... and of a participant whose endpoint (or user, with every endpoint) was deleted while it
# was in the journey ("deleted: user 'ann' has no endpoints").
DELETED = "deleted:"
# The failure type a step's activity reports a deleted participant with: the workflow lets
# the participant leave, as a cancel would, rather than fail.
PARTICIPANT_GONE = "ParticipantGone"
# Steps a participant may stay on for a while: the visits so far are reported before them.
WAITING_STEP_TYPES = frozenset({"wait", "wait_for_event", "wait_for_reply"})


class StepReached(HeraldModel):
    visit_n: int = Field(ge=1, description="The visit's place in the participant's path.")
    step_id: str
    at: datetime


class JourneyExit(HeraldModel):
    step_id: str | None
    reason: str
    at: datetime


class HeldSend(HeraldModel):
    """A send's claim left PENDING when its participant stopped waiting for quiet time, open
    hours or an open day (cancelled, migrated, or deferred too often): settled as SKIPPED."""

    idempotency_key: str
    reason: str
    user_id: str | None = Field(
        default=None,
        description="A user participant's id: its endpoints' claims (one per endpoint, "
        "`user_endpoint_key`) are settled too.",
    )


class JourneyProgress(HeraldModel):
    """Steps reached since the last report, and, at the end, how the journey was left."""

    workflow_id: str
    journey: str
    reached: list[StepReached] = Field(default_factory=list)
    exit: JourneyExit | None = None
    next_step: StepReached | None = Field(
        default=None,
        description="Carried by a send: the step its participant goes to once the send has "
        "an outcome (it will wait there).",
    )
    released: list[HeldSend] = Field(default_factory=list)

    def held(self) -> JourneyProgress:
        """What a send that carries this records while quiet time or open hours hold it:
        the steps reached so far (the participant waits at the send's), no exit or next step.
        """
        return self.model_copy(update={"exit": None, "next_step": None})

    def visits(self) -> list[StepReached]:
        return [*self.reached, *([self.next_step] if self.next_step else [])]
