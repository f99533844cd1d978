"""What crosses the workflow boundary for a campaign run: names, input, batches, progress.

Shared by the client that starts runs and the workflow, so neither imports the other.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import Field

from herald.models.base import HeraldModel

CAMPAIGN_WORKFLOW = "CampaignWorkflow"
START_RUN_ACTIVITY = "campaign_start_run"
SEND_BATCH_ACTIVITY = "campaign_send_batch"
SET_STATE_ACTIVITY = "campaign_set_state"

# Updates on CampaignWorkflow; each has a validator, so a refused request says why.
PAUSE_UPDATE = "pause"
RESUME_UPDATE = "resume"
CANCEL_UPDATE = "cancel"
PROGRESS_QUERY = "progress"

EVENT_DEADLINE_SECONDS = 300  # an event-triggered message not sent in 5 minutes is dropped


class CampaignState(StrEnum):
    SCHEDULED = "SCHEDULED"
    EXECUTING = "EXECUTING"
    PENDING_NEXT_RUN = "PENDING_NEXT_RUN"
    PAUSED = "PAUSED"
    COMPLETED = "COMPLETED"
    CANCELLED = "CANCELLED"
    FAILED = "FAILED"  # a run that could not start (its snapshot failed): nothing was sent
    INVALID = "INVALID"  # a ONCE campaign whose run FAILED, until it is applied again


# A run or a campaign in one of these states does nothing more until it is applied again.
FINISHED = (
    CampaignState.COMPLETED,
    CampaignState.CANCELLED,
    CampaignState.FAILED,
    CampaignState.INVALID,
)
ONCE_RUN = "once"


def campaign_workflow_id(campaign: str, run: str) -> str:
    return f"campaign:{campaign}:{run}"


def once_run(generation: int) -> str:
    """The run of a ONCE campaign scheduled `generation` times (applied again after it was
    cancelled or its run failed): `once`, then `once-2`, `once-3`... so no workflow id of an
    earlier run is used again."""
    return _anew(ONCE_RUN, generation)


def scheduled_run(generation: int) -> str:
    """The run prefix of a recurring campaign's Schedule (which appends each fire time):
    `scheduled`, then `scheduled-2`... once scheduled anew after a cancel."""
    return _anew("scheduled", generation)


def _anew(run: str, generation: int) -> str:
    return run if generation <= 1 else f"{run}-{generation}"


def campaign_schedule_id(campaign: str) -> str:
    return f"campaign-schedule:{campaign}"


def run_of(workflow_id: str, campaign: str) -> str:
    """The run part of `campaign:{campaign}:{run}` (a Schedule appends its fire time)."""
    return workflow_id.removeprefix(campaign_workflow_id(campaign, ""))


class CampaignTrigger(HeraldModel):
    """The event that started an event-triggered run: one endpoint, sent within 5 minutes."""

    event_id: str
    endpoint_id: str
    event_type: str
    attributes: dict[str, str] = Field(default_factory=dict)
    timestamp: datetime


class CampaignRunInput(HeraldModel):
    campaign: str
    start_at: datetime | None = Field(default=None, description="Wait until then to start.")
    trigger: CampaignTrigger | None = None
    # Carried over continue-as-new:
    started: bool = False
    deadline: datetime | None = None
    paused: bool = False
    counts: BatchCounts | None = None
    batch_size: int | None = None
    nominal: datetime | None = Field(default=None, description="The run's nominal start.")


class BatchCounts(HeraldModel):
    sent: int = 0
    skipped: int = 0
    failed: int = 0

    def plus(self, other: BatchCounts) -> BatchCounts:
        return BatchCounts(
            sent=self.sent + other.sent,
            skipped=self.skipped + other.skipped,
            failed=self.failed + other.failed,
        )


class StartRunRequest(HeraldModel):
    campaign: str
    run: str
    workflow_id: str
    now: datetime
    trigger: CampaignTrigger | None = None


class StartRunResult(HeraldModel):
    members: int
    holdout: int
    batch_size: int
    deadline: datetime | None = Field(default=None, description="Sends stop at this time.")


class SendBatchRequest(HeraldModel):
    campaign: str
    run: str
    key_prefix: str = Field(description="Made in the workflow; the endpoint id completes it.")
    limit: int = Field(ge=1)
    now: datetime
    nominal: datetime = Field(description="When the run was meant to start (local time).")

    def key_of(self, endpoint_id: str) -> str:
        """The message key of the run's message to `endpoint_id`."""
        return message_key(self.key_prefix, endpoint_id)


def message_key(prefix: str, endpoint_id: str) -> str:
    """A campaign message's key: the run's prefix (its workflow id), then the endpoint."""
    return f"{prefix}:{endpoint_id}"


class SendBatchResult(HeraldModel):
    processed: int = Field(description="Endpoints finished or deferred by this batch.")
    counts: BatchCounts = Field(default_factory=BatchCounts)
    deferred: int = 0
    next_due: datetime | None = Field(default=None, description="Earliest deferred endpoint.")


class SetStateRequest(HeraldModel):
    campaign: str
    run: str
    state: CampaignState
    close_reason: str | None = Field(
        default=None, description="Skip endpoints not yet sent, with this reason."
    )


class ControlRequest(HeraldModel):
    reason: str = ""


class RunProgress(HeraldModel):
    state: CampaignState
    counts: BatchCounts = Field(default_factory=BatchCounts)
    members: int = 0
    holdout: int = 0


CampaignRunInput.model_rebuild()
