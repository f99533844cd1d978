"""Journey step types: a discriminated union on `type`, one model per step.

Every step names where the participant goes next; `targets()` lists those ids so the
journey's graph can be validated as a whole.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Annotated, Literal

from pydantic import AnyHttpUrl, Field, field_validator, model_validator

from herald.models.base import HeraldModel
from herald.models.channel import MessageChannel
from herald.models.conditions import Condition, ConditionGroup
from herald.models.names import ResourceName

StepId = Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")]
Weekday = Literal["MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN"]


class StepBase(HeraldModel):
    title: str | None = Field(default=None, description="Shown in the Temporal UI.")

    def links(self) -> list[tuple[str, str]]:
        """(field path, step id) for every step this one can lead to."""
        nxt = getattr(self, "next", None)
        return [("next", nxt)] if nxt else []

    def targets(self) -> list[str]:
        return [target for _, target in self.links()]


class SendStep(StepBase):
    type: Literal["send"]
    channel: MessageChannel = MessageChannel.EMAIL
    template: ResourceName
    template_version: int | None = Field(default=None, ge=1, description="Pin; else active.")
    substitutions: dict[str, str] = Field(default_factory=dict)
    next: StepId | None = None


class AttributeDate(HeraldModel):
    """Wait relative to a date held in an attribute, e.g. a renewal date minus 3 days."""

    name: str = Field(min_length=1)
    scope: Literal["endpoint", "user"] = "endpoint"
    offset: timedelta = Field(default=timedelta(0), description="Negative: before the date.")


class WaitStep(StepBase):
    """Exactly one of: `duration`, `until`, `local_time` (with optional `weekdays`),
    `attribute_date`."""

    type: Literal["wait"]
    duration: timedelta | None = Field(default=None, description="ISO-8601, e.g. PT10M, P3D.")
    until: datetime | None = Field(default=None, description="An absolute time with offset.")
    local_time: time | None = Field(default=None, description="Next HH:MM in the timezone.")
    weekdays: list[Weekday] = Field(default_factory=list, description="With local_time.")
    attribute_date: AttributeDate | None = None
    next: StepId | None = None

    @model_validator(mode="after")
    def _exactly_one_kind(self) -> WaitStep:
        given = [
            n
            for n in ("duration", "until", "local_time", "attribute_date")
            if getattr(self, n) is not None
        ]
        if len(given) != 1:
            raise ValueError(
                "a wait needs exactly one of `duration`, `until`, `local_time`, "
                f"`attribute_date`; got {given or 'none'}"
            )
        if self.duration is not None and self.duration <= timedelta(0):
            raise ValueError("`duration` must be positive, e.g. PT10M or P3D")
        if self.until is not None and self.until.tzinfo is None:
            raise ValueError("`until` needs a UTC offset, e.g. 2026-12-24T09:00:00+01:00")
        if self.weekdays and self.local_time is None:
            raise ValueError("`weekdays` goes with `local_time`")
        return self


class WaitForEventStep(StepBase):
    type: Literal["wait_for_event"]
    event_type: str = Field(min_length=1)
    attributes: dict[str, str] = Field(default_factory=dict, description="All must match.")
    timeout: timedelta = Field(gt=timedelta(0))
    on_event: StepId | None = None
    on_timeout: StepId | None = None

    def links(self) -> list[tuple[str, str]]:
        found = [("on_event", self.on_event), ("on_timeout", self.on_timeout)]
        return [(f, t) for f, t in found if t]


class ReplyBranch(HeraldModel):
    """A reply matches when its first word is one of `keywords` (case-insensitive) or the
    whole reply matches `pattern` (a Python regular expression, searched)."""

    keywords: list[str] = Field(default_factory=list)
    pattern: str | None = None
    next: StepId | None = None

    @model_validator(mode="after")
    def _something_to_match(self) -> ReplyBranch:
        if not self.keywords and not self.pattern:
            raise ValueError("a reply branch needs `keywords` or `pattern`")
        if self.pattern:
            import re

            try:
                re.compile(self.pattern)
            except re.error as exc:
                raise ValueError(f"`pattern` {self.pattern!r} is not a regex: {exc}") from None
        return self


class WaitForReplyStep(StepBase):
    type: Literal["wait_for_reply"]
    after_step: StepId = Field(description="The earlier SMS or email send step replied to.")
    branches: list[ReplyBranch] = Field(default_factory=list)
    on_other_reply: StepId | None = Field(default=None, description="A reply no branch matched.")
    timeout: timedelta = Field(gt=timedelta(0))
    on_timeout: StepId | None = None

    def links(self) -> list[tuple[str, str]]:
        found = [(f"branches.{i}.next", b.next) for i, b in enumerate(self.branches)]
        found += [("on_other_reply", self.on_other_reply), ("on_timeout", self.on_timeout)]
        return [(f, t) for f, t in found if t]


class SplitStep(StepBase):
    type: Literal["split"]
    match: Literal["ALL", "ANY"] = "ALL"
    conditions: list[Condition] = Field(min_length=1)
    # Negative is a mistake; zero (evaluate at once, as with none) stays accepted, as
    # journeys stored and running with it must still read.
    evaluation_wait: timedelta | None = Field(
        default=None, ge=timedelta(0), description="Wait, then evaluate."
    )
    yes: StepId | None = None
    no: StepId | None = None

    def links(self) -> list[tuple[str, str]]:
        return [(f, t) for f, t in (("yes", self.yes), ("no", self.no)) if t]


class MultiSplitBranch(ConditionGroup):
    next: StepId | None = None


class MultiSplitStep(StepBase):
    type: Literal["multi_split"]
    branches: list[MultiSplitBranch] = Field(min_length=1, max_length=5)
    evaluation_wait: timedelta | None = Field(
        default=None, ge=timedelta(0), description="Wait, then evaluate."
    )
    else_next: StepId | None = None

    def links(self) -> list[tuple[str, str]]:
        found = [(f"branches.{i}.next", b.next) for i, b in enumerate(self.branches)]
        return [(f, t) for f, t in [*found, ("else_next", self.else_next)] if t]


class RandomBranch(HeraldModel):
    percent: int = Field(ge=0, le=100)
    next: StepId | None = None


class RandomSplitStep(StepBase):
    type: Literal["random_split"]
    branches: list[RandomBranch] = Field(min_length=2, max_length=5)

    @field_validator("branches")
    @classmethod
    def _sums_to_100(cls, branches: list[RandomBranch]) -> list[RandomBranch]:
        total = sum(b.percent for b in branches)
        if total != 100:
            got = " + ".join(str(b.percent) for b in branches)
            raise ValueError(f"percentages sum to {total} ({got}); they must sum to 100")
        return branches

    def links(self) -> list[tuple[str, str]]:
        return [(f"branches.{i}.next", b.next) for i, b in enumerate(self.branches) if b.next]


class HoldoutStep(StepBase):
    """`percent` of participants leave the journey here (recorded for comparison)."""

    type: Literal["holdout"]
    percent: int = Field(ge=0, le=100)
    next: StepId | None = None


class UpdateStep(StepBase):
    type: Literal["update"]
    scope: Literal["endpoint", "user"] = "endpoint"
    set: dict[str, list[str]] = Field(default_factory=dict)
    remove: list[str] = Field(default_factory=list)
    next: StepId | None = None

    @model_validator(mode="after")
    def _does_something(self) -> UpdateStep:
        if not self.set and not self.remove:
            raise ValueError("an update step needs `set` or `remove`")
        return self


class WebhookStep(StepBase):
    """An HTTP call; `body` is a Jinja2 template over the participant's variables; `save`
    maps attribute names to dotted paths in the JSON response."""

    type: Literal["webhook"]
    url: AnyHttpUrl
    method: Literal["POST", "PUT", "PATCH", "GET"] = "POST"
    headers: dict[str, str] = Field(default_factory=dict)
    body: str | None = None
    save: dict[str, str] = Field(default_factory=dict)
    timeout: timedelta = Field(default=timedelta(seconds=10), gt=timedelta(0))
    next: StepId | None = None


class ExitStep(StepBase):
    type: Literal["exit"]


Step = Annotated[
    SendStep
    | WaitStep
    | WaitForEventStep
    | WaitForReplyStep
    | SplitStep
    | MultiSplitStep
    | RandomSplitStep
    | HoldoutStep
    | UpdateStep
    | WebhookStep
    | ExitStep,
    Field(discriminator="type"),
]
STEP_TYPES = (
    "send",
    "wait",
    "wait_for_event",
    "wait_for_reply",
    "split",
    "multi_split",
    "random_split",
    "holdout",
    "update",
    "webhook",
    "exit",
)
# Steps that make a participant wait: a loop through one of these cannot spin.
WAITING_TYPES = frozenset({"wait", "wait_for_event", "wait_for_reply"})
