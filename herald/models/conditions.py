"""Conditions a split evaluates for one participant: attributes, segments, events, engagement.

Each condition is evaluated by an activity against the store at the moment the participant
reaches the split (after the optional evaluation wait), and the answer is recorded in the
workflow's history, so a replay takes the same branch.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated, Literal

from pydantic import Field, model_validator

from herald.models.base import HeraldModel
from herald.models.names import ResourceName


class AttributeCondition(HeraldModel):
    """An endpoint or user attribute compared with values (any value matching counts)."""

    kind: Literal["attribute"]
    scope: Literal["endpoint", "user"] = "endpoint"
    name: str = Field(min_length=1)
    op: Literal["include", "exclude", "contains", "exists", "not_exists"] = "include"
    values: list[str] = Field(default_factory=list)

    @model_validator(mode="after")
    def _values_needed(self) -> AttributeCondition:
        if self.op in ("include", "exclude", "contains") and not self.values:
            raise ValueError(f"an attribute condition with op {self.op!r} needs `values`")
        return self


class MetricCondition(HeraldModel):
    kind: Literal["metric"]
    name: str = Field(min_length=1)
    op: Literal["eq", "lt", "le", "gt", "ge"]
    value: float


class SegmentCondition(HeraldModel):
    kind: Literal["segment"]
    segment: ResourceName
    member: bool = Field(default=True, description="False: true when NOT in the segment.")


class EventCondition(HeraldModel):
    """The participant performed an event (with attribute filters) at least `min_count` times,
    within `within` before the evaluation (or since entering the journey when unset)."""

    kind: Literal["event"]
    event_type: str = Field(min_length=1)
    attributes: dict[str, str] = Field(default_factory=dict)
    within: timedelta | None = Field(default=None, gt=timedelta(0))
    min_count: int = Field(default=1, ge=0)
    performed: bool = Field(default=True, description="False: true when it did NOT happen.")


Engagement = Literal["sent", "delivered", "opened", "clicked", "replied", "bounced"]


class EngagementCondition(HeraldModel):
    """The message an earlier send step of this journey sent was delivered/opened/...."""

    kind: Literal["engagement"]
    step: str = Field(min_length=1, description="Id of an earlier send step.")
    engagement: Engagement


Condition = Annotated[
    AttributeCondition | MetricCondition | SegmentCondition | EventCondition | EngagementCondition,
    Field(discriminator="kind"),
]


class ConditionGroup(HeraldModel):
    match: Literal["ALL", "ANY"] = "ALL"
    conditions: list[Condition] = Field(min_length=1)
