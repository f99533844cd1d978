"""What crosses the workflow boundary for a journey participant: input, result, state, ids.

The names here are shared by the client that starts workflows and the workflows themselves,
so neither has to import the other.
"""

from __future__ import annotations

from datetime import datetime

from pydantic import Field
from temporalio.common import SearchAttributeKey

from herald.models.base import HeraldModel
from herald.models.journey import Journey

JOURNEY_WORKFLOW = "JourneyWorkflow"
SEND_ACTIVITY = "send_message"

HERALD_JOURNEY = SearchAttributeKey.for_keyword("HeraldJourney")
HERALD_CAMPAIGN = SearchAttributeKey.for_keyword("HeraldCampaign")
HERALD_PARTICIPANT = SearchAttributeKey.for_keyword("HeraldParticipant")
HERALD_STEP = SearchAttributeKey.for_keyword("HeraldStep")
HERALD_WAITING_FOR = SearchAttributeKey.for_keyword("HeraldWaitingFor")
SEARCH_ATTRIBUTES = (
    HERALD_JOURNEY,
    HERALD_CAMPAIGN,
    HERALD_PARTICIPANT,
    HERALD_STEP,
    HERALD_WAITING_FOR,
)


def journey_workflow_id(journey: str, participant: str) -> str:
    return f"journey:{journey}:{participant}"


class JourneyInput(HeraldModel):
    """A participant entering one published version of a journey."""

    journey: Journey
    version: int = Field(ge=1)
    participant_id: str = Field(min_length=1, description="The endpoint id.")


class StepVisit(HeraldModel):
    step_id: str
    type: str
    entered_at: datetime
    outcome: str | None = None


class JourneyState(HeraldModel):
    """What the `state` query answers: where the participant is, and where they have been."""

    journey: str
    version: int
    participant_id: str
    current_step: str | None
    waiting_until: datetime | None = None
    visits: list[StepVisit] = Field(default_factory=list)
    finished: bool = False


class JourneyResult(HeraldModel):
    journey: str
    version: int
    participant_id: str
    visits: list[StepVisit]
    exit_step: str | None
