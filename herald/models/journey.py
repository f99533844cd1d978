"""Journeys: a graph of steps keyed by id, interpreted one step at a time by a workflow.

Steps are a discriminated union on `type` (journey_steps.py), so new step types slot in
without touching the others. A journey is published as an immutable version; running
participants keep theirs. Validation lists every problem at once, each with its step id.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import Field, model_validator
from pydantic_core import PydanticCustomError

from herald.models.base import HeraldModel
from herald.models.journey_graph import GRAPH_ERROR, graph_problems
from herald.models.journey_settings import JourneySettings
from herald.models.journey_steps import (
    STEP_TYPES,
    WAITING_TYPES,
    ExitStep,
    SendStep,
    Step,
    StepId,
    WaitStep,
)
from herald.models.names import ResourceName


def next_steps(step: Step) -> list[str]:
    """The step ids a step can lead to."""
    return step.targets()


class Journey(HeraldModel):
    kind: Literal["Journey"] = "Journey"
    name: ResourceName
    description: str = ""
    start: StepId
    steps: dict[StepId, Step] = Field(min_length=1)
    settings: JourneySettings = Field(default_factory=JourneySettings)
    # Pinpoint's WriteJourneyRequest.State: DRAFT saves without publishing, ACTIVE publishes.
    # Not part of a published version (exclude=True): it is the journey's state, which the
    # lifecycle commands change afterwards, so a version's content and checksum never carry it.
    state: Literal["DRAFT", "ACTIVE"] = Field(
        default="ACTIVE",
        exclude=True,
        description="DRAFT: stored and validated, but admits no one until activated "
        "(`herald journeys activate NAME`, or apply it again without `state: DRAFT`). "
        "ACTIVE (the default): live on apply. Pause, close and cancel are commands, "
        "not definition fields.",
    )

    @model_validator(mode="after")
    def _graph_is_sound(self) -> Journey:
        problems = graph_problems(self.start, self.steps)
        if problems:
            # Its own error type: a definition file lists these one a line (definitions.py).
            raise PydanticCustomError(GRAPH_ERROR, "{problems}", {"problems": "; ".join(problems)})
        return self


class JourneyVersion(HeraldModel):
    """An immutable published version of a journey."""

    journey: Journey
    version: int = Field(ge=1)
    published_at: datetime


__all__ = [
    "STEP_TYPES",
    "WAITING_TYPES",
    "ExitStep",
    "Journey",
    "JourneyVersion",
    "SendStep",
    "Step",
    "StepId",
    "WaitStep",
    "next_steps",
]
