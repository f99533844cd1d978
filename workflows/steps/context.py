"""What every step function gets: the workflow input and the participant's live state."""

from __future__ import annotations

from dataclasses import dataclass

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from herald.models import JourneyInput, JourneyState


@dataclass
class StepContext:
    inp: JourneyInput
    state: JourneyState

    @property
    def participant(self) -> str:
        return self.inp.participant_id
