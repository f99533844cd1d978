"""Campaigns: one message (or one per treatment) to a segment, once, on a schedule, or when
an event happens. Shaped on Pinpoint's WriteCampaignRequest."""

from __future__ import annotations

from datetime import timedelta
from typing import Any, Literal

from pydantic import Field, field_validator, model_validator

from herald.models.base import HeraldModel
from herald.models.campaign_schedule import (
    RECURRING,
    CampaignEvent,
    CampaignSchedule,
    Frequency,
    TreatmentSchedule,
    treatment_schedule_problem,
)
from herald.models.channel import MessageChannel
from herald.models.journey_settings import QuietTime
from herald.models.names import ResourceName
from herald.models.template import Template

__all__ = [
    "MAX_ADDITIONAL_TREATMENTS",
    "RECURRING",
    "Campaign",
    "CampaignEvent",
    "CampaignLimits",
    "CampaignMessage",
    "CampaignSchedule",
    "Frequency",
    "Treatment",
    "TreatmentSchedule",
]
MAX_ADDITIONAL_TREATMENTS = 4  # five treatments in all, as Pinpoint allows


class CampaignMessage(HeraldModel):
    """The message for one channel: a stored template (pinned or active version) or inline."""

    channel: MessageChannel
    template: ResourceName | None = None
    template_version: int | None = Field(default=None, ge=1)
    inline: Template | None = Field(default=None, description="A template written in place.")
    substitutions: dict[str, str] = Field(default_factory=dict)

    @model_validator(mode="before")
    @classmethod
    def _inline_defaults(cls, data: Any) -> Any:
        # An inline template needs no name or channel of its own: the message gives both.
        if isinstance(data, dict) and isinstance(data.get("inline"), dict):
            inline = {"name": "inline", "channel": data.get("channel"), **data["inline"]}
            data = {**data, "inline": inline}
        return data

    @model_validator(mode="after")
    def _one_source(self) -> CampaignMessage:
        if (self.template is None) == (self.inline is None):
            raise ValueError("give `template` (a stored template) or `inline`, not both or none")
        if self.inline is not None and self.inline.channel != self.channel.value:
            raise ValueError(f"inline.channel: must be {self.channel.value}, as the message's")
        return self


def _one_per_channel(messages: list[CampaignMessage]) -> list[CampaignMessage]:
    channels = [m.channel.value for m in messages]
    if twice := sorted({c for c in channels if channels.count(c) > 1}):
        raise ValueError(f"one message per channel; {', '.join(twice)} given more than once")
    return messages


class Treatment(HeraldModel):
    """An additional treatment (A/B test arm): its share of the segment, its messages and,
    optionally, its own time within each run (see `TreatmentSchedule`)."""

    name: ResourceName
    description: str = ""
    size_percent: int = Field(ge=0, le=100)
    messages: list[CampaignMessage] = Field(min_length=1)
    schedule: TreatmentSchedule | None = Field(
        default=None, description="None: sent on the campaign's schedule."
    )

    _channels = field_validator("messages")(_one_per_channel)


class CampaignLimits(HeraldModel):
    daily: int | None = Field(default=None, ge=1, description="Per endpoint per 24 hours.")
    total: int | None = Field(default=None, ge=1, description="Per endpoint, all runs.")
    messages_per_second: int | None = Field(default=None, ge=1)
    maximum_duration: timedelta | None = Field(
        default=None, gt=timedelta(0), description="A run sends no later than this after start."
    )


class Campaign(HeraldModel):
    kind: Literal["Campaign"] = "Campaign"
    name: ResourceName
    description: str = ""
    segment: ResourceName
    segment_version: int | None = Field(default=None, ge=1, description="Pinned version.")
    treatment_name: ResourceName = Field(default="default", description="The main treatment.")
    messages: list[CampaignMessage] = Field(min_length=1, description="One per channel.")
    treatments: list[Treatment] = Field(default_factory=list, max_length=MAX_ADDITIONAL_TREATMENTS)
    holdout_percent: int = Field(default=0, ge=0, le=100)
    schedule: CampaignSchedule = Field(default_factory=CampaignSchedule)
    limits: CampaignLimits = Field(default_factory=CampaignLimits)
    quiet_time: QuietTime | None = None
    priority: int | None = Field(default=None, description="IN_APP: higher shows first.")
    batch_size: int = Field(default=1000, ge=1, le=10_000, description="Endpoints per batch.")

    _channels = field_validator("messages")(_one_per_channel)

    @model_validator(mode="after")
    def _shares(self) -> Campaign:
        extra = sum(t.size_percent for t in self.treatments)
        if extra + self.holdout_percent > 100:
            raise ValueError(
                f"treatments[*].size_percent ({extra}) plus holdout_percent "
                f"({self.holdout_percent}) is {extra + self.holdout_percent}%; at most 100"
            )
        names = [self.treatment_name, *(t.name for t in self.treatments)]
        if len(set(names)) != len(names):
            raise ValueError("treatments[*].name: each treatment needs its own name")
        return self

    @model_validator(mode="after")
    def _treatment_schedules(self) -> Campaign:
        maximum = self.limits.maximum_duration
        for i, t in enumerate(self.treatments):
            if t.schedule is not None and (
                problem := treatment_schedule_problem(
                    self.schedule, t.schedule, maximum, f"treatments[{i}].schedule"
                )
            ):
                raise ValueError(problem)
        return self

    def shares(self) -> list[tuple[str, int]]:
        """(treatment, percent) in order; the main treatment takes what the others leave."""
        extra = sum(t.size_percent for t in self.treatments)
        main = 100 - self.holdout_percent - extra
        return [(self.treatment_name, main), *((t.name, t.size_percent) for t in self.treatments)]

    def messages_of(self, treatment: str) -> list[CampaignMessage]:
        for t in self.treatments:
            if t.name == treatment:
                return t.messages
        return self.messages

    def schedule_of(self, treatment: str) -> TreatmentSchedule | None:
        """The treatment's own schedule; None: it sends on the campaign's."""
        return next((t.schedule for t in self.treatments if t.name == treatment), None)

    def quiet_time_of(self, treatment: str) -> QuietTime | None:
        own = self.schedule_of(treatment)
        return own.quiet_time if own and own.quiet_time else self.quiet_time

    def all_messages(self) -> list[tuple[str, CampaignMessage]]:
        """(field path, message) for every message, for apply-time checks."""
        found = [(f"messages[{i}]", m) for i, m in enumerate(self.messages)]
        for ti, t in enumerate(self.treatments):
            found += [(f"treatments[{ti}].messages[{i}]", m) for i, m in enumerate(t.messages)]
        return found
