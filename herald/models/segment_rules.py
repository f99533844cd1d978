"""The rules a dynamic segment is made of: one small model per dimension, tagged by `type`.

Every rule answers yes or no for one endpoint; `group` rules combine rules with ALL / ANY /
NONE and nest. `herald.segments` compiles a rule tree to one SQL query. What each rule means,
exactly, is written on its model; tests/segments/evaluator.py is the same meaning in Python.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated, Literal

from pydantic import Field, ValidationInfo, field_validator, model_validator

from herald.models.base import HeraldModel
from herald.models.channel import ChannelType
from herald.models.instants import bounds
from herald.models.names import ResourceName

Match = Literal["all", "any", "none"]
Scope = Literal["endpoint", "user"]
AttributeOp = Literal[
    "include", "exclude", "contains", "before", "after", "on", "between", "exists", "not_exists"
]
SetOp = Literal["include", "exclude"]
MetricOp = Literal["=", "<", "<=", ">", ">="]
EngagementAction = Literal["sent", "delivered", "opened", "clicked", "replied", "bounced"]
DemographicField = Literal[
    "timezone",
    "locale",
    "platform",
    "platform_version",
    "make",
    "model",
    "model_version",
    "app_version",
]
LocationField = Literal["country", "region", "city", "postal_code"]
Name = Annotated[str, Field(min_length=1, max_length=100)]
# Event attribute names become JSON paths in SQL; quotes and backslashes would need escaping
# that SQLite and PostgreSQL spell differently, and no real attribute name has them.
EventAttributeName = Annotated[str, Field(min_length=1, max_length=100, pattern=r'^[^"\\]+$')]
Window = Annotated[timedelta, Field(description="ISO-8601 duration, e.g. P30D or PT24H.")]

_VALUE_COUNTS = {"before": 1, "after": 1, "between": 2}
_DATE_OPS = ("before", "after", "on", "between")


class _AttributeRuleBase(HeraldModel):
    """Values of one attribute (a list of strings) against `values`:

    include: any value is one of `values`. exclude: none is (no attribute at all counts).
    contains: any value contains any of `values` (case-sensitive). exists / not_exists: the
    attribute has at least one value / none. before, after, on, between: any value, read as
    an ISO 8601 instant, is before the first instant of `values[0]`, after its last (a date is
    the whole UTC day), on its UTC day (any of `values`), or from `values[0]` through
    `values[1]`.
    """

    name: Name
    op: AttributeOp = "include"
    values: list[str] = Field(default_factory=list)

    @field_validator("values")
    @classmethod
    def _values_fit_op(cls, values: list[str], info: ValidationInfo) -> list[str]:
        op = info.data.get("op")
        if op is None:
            return values  # a bad op is reported on its own field
        if op in ("exists", "not_exists"):
            if values:
                raise ValueError(f"op {op!r} takes no `values`")
            return values
        wanted = _VALUE_COUNTS.get(op)
        if wanted is not None and len(values) != wanted:
            raise ValueError(f"op {op!r} takes exactly {wanted} value(s), got {len(values)}")
        if op in _DATE_OPS:
            for value in values:
                bounds(value)  # raises with the value and an example of a date
        return values

    @model_validator(mode="after")
    def _values_given(self) -> _AttributeRuleBase:
        if not self.values and self.op not in ("exists", "not_exists"):
            raise ValueError(f"op {self.op!r} needs at least one value in `values`")
        return self


class AttributeRule(_AttributeRuleBase):
    """The endpoint's `Attributes`."""

    type: Literal["attribute"]


class UserAttributeRule(_AttributeRuleBase):
    """The endpoint's user's `UserAttributes` (an endpoint without a user has none)."""

    type: Literal["user_attribute"]


class ChannelRule(HeraldModel):
    """The endpoint's channel type is (include) or is not (exclude) one of `values`."""

    type: Literal["channel"]
    op: SetOp = "include"
    values: list[ChannelType] = Field(min_length=1)


class DemographicRule(HeraldModel):
    """A `Demographic` field is one of `values` (include) or is not / is unset (exclude)."""

    type: Literal["demographic"]
    field: DemographicField
    op: SetOp = "include"
    values: list[str] = Field(min_length=1)


class LocationRule(HeraldModel):
    """A `Location` field is one of `values` (include) or is not / is unset (exclude).
    Countries are ISO 3166-1 alpha-2 codes, compared upper-case."""

    type: Literal["location"]
    field: LocationField
    op: SetOp = "include"
    values: list[str] = Field(min_length=1)

    @model_validator(mode="after")
    def _upper_countries(self) -> LocationRule:
        if self.field == "country":
            self.values = [v.strip().upper() for v in self.values]
        return self


class NearRule(HeraldModel):
    """The endpoint's `Location` is at most `within_km` (great-circle) from the point."""

    type: Literal["near"]
    latitude: float = Field(ge=-90, le=90)
    longitude: float = Field(ge=-180, le=180)
    within_km: float = Field(gt=0, le=20_038)


class MetricRule(HeraldModel):
    """The endpoint has the metric and it compares with `value` by `op`."""

    type: Literal["metric"]
    name: Name
    op: MetricOp
    value: float


class ActiveRule(HeraldModel):
    """active: within the last `within`, the endpoint's `EffectiveDate` fell, or it recorded an
    app event (any type not starting with `_`, plus `_session.*`, `_userauth.*`,
    `_monetization.*`). inactive: not active. scope `user`: any endpoint of the same user (or
    an event recorded for the user) counts; an endpoint without a user counts alone."""

    type: Literal["active", "inactive"]
    within: Window
    scope: Scope = "endpoint"

    @field_validator("within")
    @classmethod
    def _positive(cls, value: timedelta) -> timedelta:
        return _positive_window(value)


class _EventRuleBase(HeraldModel):
    event: Name
    within: Window | None = Field(default=None, description="None: ever.")
    where: dict[EventAttributeName, list[str]] = Field(
        default_factory=dict, description="Event attribute -> allowed values (any of them)."
    )
    scope: Scope = "endpoint"

    @field_validator("within")
    @classmethod
    def _positive(cls, value: timedelta | None) -> timedelta | None:
        return None if value is None else _positive_window(value)

    @field_validator("where")
    @classmethod
    def _values_given(cls, where: dict[str, list[str]]) -> dict[str, list[str]]:
        empty = sorted(name for name, values in where.items() if not values)
        if empty:
            raise ValueError(f"give at least one value for {', '.join(empty)}")
        return where


class PerformedRule(_EventRuleBase):
    """The endpoint recorded `event` (whose attributes match `where`) at least `at_least` and at
    most `at_most` times in the last `within` (or ever). scope `user`: events of the endpoint's
    user, recorded for the user or for any of their endpoints (from before it had the user
    too); an endpoint without a user counts its own."""

    type: Literal["performed"]
    at_least: int | None = Field(default=None, ge=0)
    at_most: int | None = Field(default=None, ge=0)

    @model_validator(mode="after")
    def _counts(self) -> PerformedRule:
        if self.at_least is None and self.at_most is None:
            self.at_least = 1
        if self.at_least is not None and self.at_most is not None and self.at_most < self.at_least:
            raise ValueError(f"at_most ({self.at_most}) is below at_least ({self.at_least})")
        return self


class NotPerformedRule(_EventRuleBase):
    """No `event` matching `where` in the last `within` (or ever); scope as for performed."""

    type: Literal["not_performed"]


class EngagementRule(HeraldModel):
    """A message of the journey (at `step`, if given) or of the campaign was sent to the
    endpoint (sent), and - for the other actions - the channel then recorded that engagement
    for it (`_email.delivered`, `_email.open`, `_email.click`, `_SMS.RECEIVED`, bounces...)."""

    type: Literal["engagement"]
    action: EngagementAction
    journey: ResourceName | None = None
    step: str | None = Field(default=None, min_length=1, max_length=64)
    campaign: ResourceName | None = None
    within: Window | None = Field(default=None, description="None: ever.")

    @model_validator(mode="after")
    def _one_source(self) -> EngagementRule:
        if (self.journey is None) == (self.campaign is None):
            raise ValueError("give `journey` (optionally with `step`) or `campaign`, not both")
        if self.step is not None and self.journey is None:
            raise ValueError("`step` needs `journey`")
        if self.within is not None:
            _positive_window(self.within)
        return self


class SegmentRule(HeraldModel):
    """The endpoint is a member of another segment (its latest version)."""

    type: Literal["segment"]
    name: ResourceName


class GroupRule(HeraldModel):
    """`rules` combined: all of them, any of them, or none of them."""

    type: Literal["group"]
    match: Match = "all"
    rules: list[Rule] = Field(min_length=1)


Rule = Annotated[
    AttributeRule
    | UserAttributeRule
    | ChannelRule
    | DemographicRule
    | LocationRule
    | NearRule
    | MetricRule
    | ActiveRule
    | PerformedRule
    | NotPerformedRule
    | EngagementRule
    | SegmentRule
    | GroupRule,
    Field(discriminator="type"),
]
RULE_TYPES = (
    "attribute",
    "user_attribute",
    "channel",
    "demographic",
    "location",
    "near",
    "metric",
    "active",
    "inactive",
    "performed",
    "not_performed",
    "engagement",
    "segment",
    "group",
)
GroupRule.model_rebuild()


def _positive_window(value: timedelta) -> timedelta:
    if value <= timedelta(0):
        raise ValueError("the window must be positive, e.g. P30D or PT24H")
    return value


def segment_references(rules: list[Rule], path: str = "rules") -> list[tuple[str, str]]:
    """(field path, segment name) of every `segment` rule in a rule tree."""
    found: list[tuple[str, str]] = []
    for index, rule in enumerate(rules):
        where = f"{path}.{index}"
        if isinstance(rule, SegmentRule):
            found.append((where, rule.name))
        elif isinstance(rule, GroupRule):
            found += segment_references(rule.rules, f"{where}.rules")
    return found


def without_rule_tags(path: list[str]) -> list[str]:
    """pydantic puts the union tag after `rules.<n>` (rules.0.metric.value); users wrote
    rules.0.value."""
    return [
        part
        for i, part in enumerate(path)
        if not (i >= 2 and path[i - 2] == "rules" and path[i - 1].isdigit() and part in RULE_TYPES)
    ]
