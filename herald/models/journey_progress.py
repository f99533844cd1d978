"""What a journey workflow reports about its participant, for the journey's metrics."""

from __future__ import annotations

from datetime import datetime

from herald.models.base import HeraldModel

PROGRESS_ACTIVITY = "herald.journey.progress"
PROGRESS_PATCH = "journey-progress"


class JourneyProgress(HeraldModel):
    """A step reached (`step_id`, `visit_n`), or the journey left (`exit_reason`)."""

    workflow_id: str
    journey: str
    at: datetime
    visit_n: int | None = None
    step_id: str | None = None
    exit_reason: str | None = None
