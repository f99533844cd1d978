"""Journeys: a graph of steps keyed by id, interpreted one step at a time by a workflow.

Steps are a discriminated union on `type`, so new step types slot in without touching the
others. A journey is published as an immutable version; running participants keep theirs.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Annotated, Literal

from pydantic import Field, model_validator

from herald.models.base import HeraldModel
from herald.models.channel import MessageChannel
from herald.models.names import ResourceName

StepId = Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")]


class StepBase(HeraldModel):
    title: str | None = Field(default=None, description="Shown in the Temporal UI.")


class SendStep(StepBase):
    type: Literal["send"]
    channel: MessageChannel = MessageChannel.EMAIL
    template: ResourceName
    template_version: int | None = Field(default=None, ge=1, description="Pin; else active.")
    substitutions: dict[str, str] = Field(default_factory=dict)
    next: StepId | None = None


class WaitStep(StepBase):
    type: Literal["wait"]
    duration: timedelta = Field(description="ISO-8601 duration, e.g. PT10M, P3D.")
    next: StepId | None = None

    @model_validator(mode="after")
    def _positive(self) -> WaitStep:
        if self.duration <= timedelta(0):
            raise ValueError("`duration` must be positive, e.g. PT10M or P3D")
        return self


class ExitStep(StepBase):
    type: Literal["exit"]


Step = Annotated[SendStep | WaitStep | ExitStep, Field(discriminator="type")]
STEP_TYPES = ("send", "wait", "exit")


def next_steps(step: Step) -> list[str]:
    """The step ids a step can lead to."""
    nxt = getattr(step, "next", None)
    return [nxt] if nxt else []


class Journey(HeraldModel):
    kind: Literal["Journey"] = "Journey"
    name: ResourceName
    description: str = ""
    start: StepId
    steps: dict[StepId, Step] = Field(min_length=1)

    @model_validator(mode="after")
    def _graph_is_closed_and_acyclic(self) -> Journey:
        known = sorted(self.steps)
        if self.start not in self.steps:
            raise ValueError(f"start: {self.start!r} is not a step; steps are {known}")
        for step_id, step in self.steps.items():
            for target in next_steps(step):
                if target not in self.steps:
                    raise ValueError(
                        f"steps.{step_id}.next: {target!r} is not a step; steps are {known}"
                    )
        _reject_cycles(self.steps)
        return self


def _reject_cycles(steps: dict[str, Step]) -> None:
    state: dict[str, int] = {}  # 1 = on the current path, 2 = done

    def visit(step_id: str, path: list[str]) -> None:
        if state.get(step_id) == 2:
            return
        if state.get(step_id) == 1:
            loop = " -> ".join([*path[path.index(step_id) :], step_id])
            raise ValueError(f"steps form a loop ({loop}); journeys must not revisit a step")
        state[step_id] = 1
        for target in next_steps(steps[step_id]):
            visit(target, [*path, step_id])
        state[step_id] = 2

    for step_id in steps:
        visit(step_id, [])


class JourneyVersion(HeraldModel):
    """An immutable published version of a journey."""

    journey: Journey
    version: int = Field(ge=1)
    published_at: datetime
