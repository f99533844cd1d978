"""Endpoint dimensions as SQL: attributes, user attributes, channel, demographic, location,
distance, metrics.

Every function returns a condition on the `endpoints` row that is TRUE or FALSE, never NULL,
so NOT and NONE groups mean exactly "not a member" (SQL's NULL would drop the row both ways).
Lookups are correlated EXISTS: PostgreSQL turns them into semi- and anti-joins where it can,
and anywhere else (under OR, NOT) they stay one index probe per endpoint. `x IN (subquery)`
under OR or NOT is a subplan PostgreSQL re-runs per row once its result outgrows work_mem.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from sqlalchemy import ColumnElement, SQLColumnExpression, and_, not_, or_

from herald.models.instants import bounds, day_bounds
from herald.models.segment_rules import (
    AttributeRule,
    ChannelRule,
    DemographicRule,
    LocationRule,
    MetricRule,
    NearRule,
    UserAttributeRule,
)
from herald.segments.sql import contains, probe
from herald.store.endpoint_rows import unit_vector
from herald.store.tables import (
    EndpointAttributeRow,
    EndpointMetricRow,
    EndpointRow,
    UserAttributeRow,
)

EARTH_RADIUS_KM = 6371.0088
# Widens the latitude band a little so rounding never drops a point the exact test keeps.
_BAND_SLACK = 1e-9

# among(c): the endpoint has a value of the attribute for which condition c holds.
Among = Callable[[ColumnElement[bool]], ColumnElement[bool]]
A = EndpointAttributeRow
U = UserAttributeRow
E = EndpointRow


def attribute(rule: AttributeRule) -> ColumnElement[bool]:
    def among(condition: ColumnElement[bool]) -> ColumnElement[bool]:
        return probe(A.endpoint_id == E.id, A.scope == "attribute", A.name == rule.name, condition)

    return _values_match(rule.op, rule.values, among, A.value, A.time_value)


def user_attribute(rule: UserAttributeRule) -> ColumnElement[bool]:
    def among(condition: ColumnElement[bool]) -> ColumnElement[bool]:
        # An endpoint without a user matches no row (NULL = x is never true): FALSE, not NULL.
        return probe(U.user_id == E.user_id, U.name == rule.name, condition)

    return _values_match(rule.op, rule.values, among, U.value, U.time_value)


def _values_match(
    op: str,
    values: list[str],
    among: Among,
    value: SQLColumnExpression[str],
    time_value: SQLColumnExpression[Any],
) -> ColumnElement[bool]:
    if op == "include":
        return among(one_of(value, values))
    if op == "exclude":
        return not_(among(one_of(value, values)))
    if op == "contains":
        return among(or_(*(contains(value, v) for v in values)))
    if op == "exists":
        return among(value.is_not(None))
    if op == "not_exists":
        return not_(among(value.is_not(None)))
    if op == "before":
        return among(time_value < bounds(values[0])[0])
    if op == "after":
        return among(time_value > bounds(values[0])[1])
    if op == "on":
        return among(or_(*(time_value.between(*day_bounds(v)) for v in values)))
    if op == "between":
        return among(time_value.between(bounds(values[0])[0], bounds(values[1])[1]))
    raise ValueError(f"unknown attribute op {op!r}")


def one_of(column: SQLColumnExpression[str], values: list[str]) -> ColumnElement[bool]:
    """`column = v` for one value: SQLite then probes each endpoint's own index entries
    (endpoint_id first), where `IN (v)` made it pick the value-first key (1.5x slower)."""
    if len(values) == 1:
        return column == values[0]
    return column.in_(values)


def channel(rule: ChannelRule) -> ColumnElement[bool]:
    wanted = [c.value for c in rule.values]
    return E.channel_type.in_(wanted) if rule.op == "include" else E.channel_type.not_in(wanted)


def demographic(rule: DemographicRule) -> ColumnElement[bool]:
    return _field_in("demographic", rule.field, rule.op, rule.values)


def location(rule: LocationRule) -> ColumnElement[bool]:
    return _field_in("location", rule.field, rule.op, rule.values)


def _field_in(scope: str, field: str, op: str, values: list[str]) -> ColumnElement[bool]:
    inside = probe(
        A.endpoint_id == E.id, A.scope == scope, A.name == field, one_of(A.value, values)
    )
    return inside if op == "include" else not_(inside)


def near(rule: NearRule) -> ColumnElement[bool]:
    """Great-circle distance <= within_km, as cos(angle) = dot product of unit vectors; the
    latitude band (as z = sin(latitude)) lets the index on geo_z narrow the scan first."""
    x, y, z = unit_vector(rule.latitude, rule.longitude)
    assert x is not None and y is not None and z is not None
    angle = rule.within_km / EARTH_RADIUS_KM
    low = math.sin(max(math.radians(rule.latitude) - angle, -math.pi / 2)) - _BAND_SLACK
    high = math.sin(min(math.radians(rule.latitude) + angle, math.pi / 2)) + _BAND_SLACK
    return and_(
        E.geo_z.is_not(None),
        E.geo_z.between(low, high),
        E.geo_x * x + E.geo_y * y + E.geo_z * z >= math.cos(min(angle, math.pi)),
    )


def metric(rule: MetricRule) -> ColumnElement[bool]:
    value = EndpointMetricRow.value
    compare = {
        "=": value == rule.value,
        "<": value < rule.value,
        "<=": value <= rule.value,
        ">": value > rule.value,
        ">=": value >= rule.value,
    }[rule.op]
    return probe(
        EndpointMetricRow.endpoint_id == E.id, EndpointMetricRow.name == rule.name, compare
    )
