"""What the metrics answer: a journey's funnel, a campaign's treatments against its holdout."""

from __future__ import annotations

from pydantic import Field

from herald.models.base import HeraldModel

# Engagement counted per message, in the order a funnel shows them.
ENGAGEMENT = ("delivered", "opened", "clicked", "replied", "bounced", "opted_out")


class MetricsNotFound(LookupError):
    """Metrics asked for a journey or campaign that does not exist; says which."""


class Engagement(HeraldModel):
    """Messages sent, and how many of them were delivered, opened, ... (each message once)."""

    sent: int = 0
    delivered: int = 0
    opened: int = 0
    clicked: int = 0
    replied: int = 0
    bounced: int = 0
    opted_out: int = 0

    def add(self, kind: str, n: int = 1) -> None:
        setattr(self, kind, getattr(self, kind) + n)


class StepMetrics(Engagement):
    step_id: str
    reached: int = Field(default=0, description="Participants that reached the step.")
    here_now: int = Field(default=0, description="Participants at the step now.")
    failed: int = 0
    skipped: int = 0


class DayMetrics(Engagement):
    day: str
    channel: str


class JourneyMetrics(HeraldModel):
    journey: str
    entered: int
    active: int
    completed: int
    exited: dict[str, int] = Field(description="Participants that left, by reason.")
    steps: list[StepMetrics]
    by_day: list[DayMetrics]


class TreatmentMetrics(Engagement):
    treatment_id: str
    members: int = 0
    converted: int = 0
    conversion_rate: float = 0.0
    lift: float | None = Field(default=None, description="Rate against the holdout's, -1..")


class CampaignMetrics(HeraldModel):
    campaign: str
    conversion_event: str | None
    treatments: list[TreatmentMetrics]
    holdout: TreatmentMetrics
    by_day: list[DayMetrics]
