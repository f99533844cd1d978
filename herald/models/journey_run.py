"""What crosses the workflow boundary for a journey participant: input, result, state, ids.

The names here are shared by the client that starts workflows and the workflows themselves,
so neither has to import the other.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from pydantic import Field
from temporalio.common import SearchAttributeKey

from herald.models.base import HeraldModel
from herald.models.journey import Journey

JOURNEY_WORKFLOW = "JourneyWorkflow"
SEND_ACTIVITY = "send_message"
PLAN_WAIT_ACTIVITY = "plan_wait"
EVALUATE_ACTIVITY = "evaluate_conditions"
UPDATE_ACTIVITY = "update_attributes"
WEBHOOK_ACTIVITY = "call_webhook"

# Signal names on JourneyWorkflow.
EVENT_SIGNAL = "event"
REPLY_SIGNAL = "reply"
PAUSE_SIGNAL = "pause"
RESUME_SIGNAL = "resume"
CANCEL_SIGNAL = "cancel"
MIGRATE_SIGNAL = "migrate"
# To a journey's segment walk: a version was published; its schedule or refresh may differ.
PUBLISHED_SIGNAL = "published"

HERALD_JOURNEY = SearchAttributeKey.for_keyword("HeraldJourney")
HERALD_JOURNEY_VERSION = SearchAttributeKey.for_int("HeraldJourneyVersion")
HERALD_CAMPAIGN = SearchAttributeKey.for_keyword("HeraldCampaign")
HERALD_PARTICIPANT = SearchAttributeKey.for_keyword("HeraldParticipant")
HERALD_STEP = SearchAttributeKey.for_keyword("HeraldStep")
HERALD_WAITING_FOR = SearchAttributeKey.for_keyword("HeraldWaitingFor")
SEARCH_ATTRIBUTES = (
    HERALD_JOURNEY,
    HERALD_JOURNEY_VERSION,
    HERALD_CAMPAIGN,
    HERALD_PARTICIPANT,
    HERALD_STEP,
    HERALD_WAITING_FOR,
)


def journey_workflow_id(journey: str, participant: str, entry_n: int = 1) -> str:
    """`journey:{journey}:{participant}`, plus `:{n}` for the second entry on (re-entry)."""
    base = f"journey:{journey}:{participant}"
    return base if entry_n == 1 else f"{base}:{entry_n}"


class StepVisit(HeraldModel):
    step_id: str
    type: str
    entered_at: datetime
    outcome: str | None = None
    version: int | None = None


class Carried(HeraldModel):
    """What a participant brings along when it moves to a new journey version."""

    entered_at: datetime
    visits: list[StepVisit] = Field(default_factory=list)
    message_keys: dict[str, str] = Field(default_factory=dict)
    waited: timedelta | None = Field(
        default=None,
        description="How long the participant had waited (pauses not counted) at the wait "
        "it was migrated from: a duration or timeout it resumes at counts it as waited.",
    )
    paused: bool = Field(
        default=False, description="Its journey was paused: the new run starts held."
    )
    events: list[EventSignal] = Field(
        default_factory=list,
        description="Events received since the step it was waiting at began: the new run's "
        "first step counts them, as the old one would have on resume.",
    )
    replies: list[ReplySignal] = Field(default_factory=list, description="The same, replies.")


class EventSignal(HeraldModel):
    """An app event of the participant, signalled to its running journeys."""

    id: str
    event_type: str
    attributes: dict[str, str] = Field(default_factory=dict)
    timestamp: datetime


class JourneyInput(HeraldModel):
    """A participant entering one published version of a journey."""

    journey: Journey
    version: int = Field(ge=1)
    participant_id: str = Field(min_length=1, description="The endpoint id.")
    entry_n: int = Field(default=1, ge=1, description="Which entry of this participant.")
    start_at: str | None = Field(default=None, description="Resume here (after a migration).")
    carried: Carried | None = None
    trigger: EventSignal | None = Field(default=None, description="The event that entered it.")


class ReplySignal(HeraldModel):
    """An inbound reply (SMS or email) from the participant's address."""

    id: str
    channel: str
    text: str
    from_address: str
    to_address: str | None = None
    received_at: datetime


class MigrateSignal(HeraldModel):
    """Move a waiting participant to `version`, at the step its current one maps to."""

    journey: Journey
    version: int
    step_map: dict[str, str] = Field(default_factory=dict)


class JourneyState(HeraldModel):
    """What the `state` query answers: where the participant is, and where they have been."""

    journey: str
    version: int
    participant_id: str
    current_step: str | None
    waiting_until: datetime | None = None
    waiting_for: str | None = None
    paused: bool = False
    visits: list[StepVisit] = Field(default_factory=list)
    message_keys: dict[str, str] = Field(default_factory=dict)
    finished: bool = False
    exit_reason: str | None = None
    migration_refused: str | None = Field(
        default=None,
        description="Why a migration left the participant on its version: the step it would "
        "resume at is missing from the target version.",
    )


class JourneyResult(HeraldModel):
    journey: str
    version: int
    participant_id: str
    visits: list[StepVisit]
    exit_step: str | None
    exit_reason: str = "completed"


JOURNEY_RUN_WORKFLOW = "JourneyRunWorkflow"
ADMIT_PAGE_ACTIVITY = "admit_segment_page"


def journey_run_workflow_id(journey: str) -> str:
    return f"journey-run:{journey}"


class JourneyRunInput(HeraldModel):
    """The lifecycle of a segment-entry journey: walk the segment, admit, refresh, repeat."""

    journey: str
    page_size: int = Field(default=500, ge=1, le=10_000)
    cursor: str = Field(default="", description="Last endpoint id admitted in this pass.")
    passes: int = Field(default=0, description="Completed walks of the segment.")
    admitted: int = 0


class AdmitPageRequest(HeraldModel):
    journey: str
    after: str
    limit: int
    now: datetime


class AdmitPageResult(HeraldModel):
    cursor: str
    seen: int
    admitted: int
    done: bool = Field(description="The segment is exhausted for this pass.")
    journey_state: str
    refresh: timedelta | None = None
    schedule_end: datetime | None = None
    schedule_start: datetime | None = None
    version: int | None = Field(default=None, description="The journey version the page read.")
