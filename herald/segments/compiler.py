"""A segment as one SQL condition on the `endpoints` table.

`membership(segment, context)` is the condition "this endpoint is a member"; counting and
paging (`herald.segments.membership`) put it in one SELECT, with reachability on top. Values
are always bound parameters: an attribute value with quotes or SQL in it is data.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, false, not_, or_, select, true

from herald.models import ImportedMembers, Segment
from herald.models.segment_rules import (
    ActiveRule,
    AttributeRule,
    ChannelRule,
    DemographicRule,
    EngagementRule,
    GroupRule,
    LocationRule,
    MetricRule,
    NearRule,
    NotPerformedRule,
    PerformedRule,
    Rule,
    SegmentRule,
    UserAttributeRule,
)
from herald.segments import behaviour, dimensions
from herald.segments.errors import SegmentError
from herald.segments.sql import one_of_many, probe
from herald.store.tables import EndpointRow, SegmentMemberRow

E = EndpointRow


@dataclass(frozen=True)
class CompileContext:
    """What a compilation needs besides the segment: the moment windows end at, and the
    segments it refers to (from `herald.segments.resolve`)."""

    now: datetime
    segments: Mapping[str, Segment] = field(default_factory=dict)


def membership(
    segment: Segment, context: CompileContext, *, top: bool = True
) -> ColumnElement[bool]:
    """`top`: the condition is ANDed into the whole query, not under OR or NOT; behaviour
    dimensions pick their SQL shape by it (see `behaviour`)."""
    if segment.is_static:
        return _static(segment, top)
    return _group(segment.match, segment.rules, context, top)


def reachable() -> ColumnElement[bool]:
    """Endpoints a message may be sent to: not opted out, active."""
    return and_(E.opt_out == "NONE", active())


def active() -> ColumnElement[bool]:
    """Endpoints that exist for sending at all, opted out or not."""
    return E.endpoint_status == "ACTIVE"


def _group(
    match: str, rules: list[Rule], context: CompileContext, top: bool
) -> ColumnElement[bool]:
    if not rules:
        return true() if match in ("all", "none") else false()
    inner = top and (match == "all" or (len(rules) == 1 and match == "any"))
    parts = [_rule(rule, context, inner) for rule in rules]
    if match == "all":
        return and_(*parts)
    if match == "any":
        return or_(*parts)
    return not_(or_(*parts))


def _rule(rule: Rule, context: CompileContext, top: bool) -> ColumnElement[bool]:
    if isinstance(rule, GroupRule):
        return _group(rule.match, rule.rules, context, top)
    if isinstance(rule, SegmentRule):
        return _reference(rule, context, top)
    if isinstance(rule, ActiveRule):
        return behaviour.active(rule, context.now)
    if isinstance(rule, PerformedRule | NotPerformedRule):
        return behaviour.performed(rule, context.now, top)
    if isinstance(rule, EngagementRule):
        return behaviour.engagement(rule, context.now, top)
    compile_one: Callable[[Any], ColumnElement[bool]] = _DIMENSIONS[type(rule)]
    return compile_one(rule)


_DIMENSIONS: dict[type[Any], Callable[[Any], ColumnElement[bool]]] = {
    AttributeRule: dimensions.attribute,
    UserAttributeRule: dimensions.user_attribute,
    ChannelRule: dimensions.channel,
    DemographicRule: dimensions.demographic,
    LocationRule: dimensions.location,
    NearRule: dimensions.near,
    MetricRule: dimensions.metric,
}


def _reference(rule: SegmentRule, context: CompileContext, top: bool) -> ColumnElement[bool]:
    referred = context.segments.get(rule.name)
    if referred is None:
        raise SegmentError(f"segment {rule.name!r} was not resolved before compiling")
    return membership(referred, context, top=top)


def _static(segment: Segment, top: bool) -> ColumnElement[bool]:
    parts: list[ColumnElement[bool]] = []
    if segment.endpoint_ids:
        parts.append(one_of_many(E.id, segment.endpoint_ids))
    if segment.user_ids:
        parts.append(and_(E.user_id.is_not(None), one_of_many(E.user_id, segment.user_ids)))
    if segment.imported is not None:
        parts += _imported(segment.name, segment.imported, top and not parts)
    return or_(*parts) if parts else false()


def _imported(name: str, imported: ImportedMembers, top: bool) -> list[ColumnElement[bool]]:
    """Members stored by an import. Only the kinds present are tested; alone and on top, an
    IN list is a semi-join, elsewhere each endpoint probes the member key."""
    S = SegmentMemberRow
    this = [S.segment == name, S.generation == imported.generation]
    parts: list[ColumnElement[bool]] = []
    if imported.endpoints:
        if top and not imported.users:
            parts.append(E.id.in_(select(S.member_id).where(*this, S.member_type == "endpoint")))
        else:
            parts.append(probe(*this, S.member_type == "endpoint", S.member_id == E.id))
    if imported.users:
        parts.append(probe(*this, S.member_type == "user", S.member_id == E.user_id))
    return parts
