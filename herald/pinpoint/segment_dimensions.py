"""Pinpoint's SegmentDimensions as Herald segment rules, each problem named by JSON path."""

from __future__ import annotations

from functools import cache
from typing import Any

import botocore.loaders
from pydantic import TypeAdapter, ValidationError

from herald.models.segment_rules import Rule
from herald.pinpoint.template_request import Problems

ATTRIBUTE_OPS = {
    "INCLUSIVE": "include",
    "EXCLUSIVE": "exclude",
    "CONTAINS": "contains",
    "BEFORE": "before",
    "AFTER": "after",
    "ON": "on",
    "BETWEEN": "between",
}
SET_OPS = {"INCLUSIVE": "include", "EXCLUSIVE": "exclude"}
METRIC_OPS = {
    "GREATER_THAN": ">",
    "LESS_THAN": "<",
    "GREATER_THAN_OR_EQUAL": ">=",
    "LESS_THAN_OR_EQUAL": "<=",
    "EQUAL": "=",
}
RECENCY = {"HR_24": "PT24H", "DAY_7": "P7D", "DAY_14": "P14D", "DAY_30": "P30D"}
DEMOGRAPHIC_FIELDS = {
    "AppVersion": "app_version",
    "Make": "make",
    "Model": "model",
    "Platform": "platform",
}
_RULE: TypeAdapter[Rule] = TypeAdapter(Rule)


@cache
def _members(shape: str) -> tuple[str, ...]:
    model = botocore.loaders.Loader().load_service_model("pinpoint", "service-2")
    return tuple(model["shapes"][shape]["members"])


class Reader:
    """Reads one Pinpoint structure, keeping every problem with its JSON path."""

    def __init__(self, problems: Problems) -> None:
        self.problems = problems

    def mapping(self, value: Any, path: str, shape: str | None = None) -> dict[str, Any]:
        if not isinstance(value, dict):
            self.problems.add(f"{path}: expected a JSON object, got {type(value).__name__}")
            return {}
        if shape is not None:
            allowed = _members(shape)
            for key in value:
                if key not in allowed:
                    members = ", ".join(allowed)
                    self.problems.add(f"{path}.{key}: not a member of {shape}; members: {members}")
        return value

    def choice(self, value: Any, path: str, allowed: dict[str, str], default: str | None) -> str:
        if value is None and default is not None:
            return allowed[default]
        if value not in allowed:
            self.problems.add(f"{path}: {value!r} is not one of {', '.join(allowed)}")
            return next(iter(allowed.values()))
        return allowed[value]

    def rule(self, rule: dict[str, Any], path: str) -> dict[str, Any] | None:
        """The rule if Herald accepts it, else a problem at the Pinpoint path."""
        try:
            _RULE.validate_python(rule)
        except ValidationError as exc:
            for error in exc.errors(include_url=False):
                self.problems.add(f"{path}: {error['msg'].removeprefix('Value error, ')}")
            return None
        return rule

    def values(self, dimension: dict[str, Any], path: str) -> list[str]:
        values = dimension.get("Values")
        if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
            self.problems.add(f"{path}.Values: expected a list of strings")
            return []
        return values


def dimension_rules(reader: Reader, value: Any, path: str) -> list[dict[str, Any]]:
    """The rules of one SegmentDimensions (all must hold, as in Pinpoint)."""
    dimensions = reader.mapping(value, path, "SegmentDimensions")
    rules: list[dict[str, Any] | None] = []
    for key, kind in (("Attributes", "attribute"), ("UserAttributes", "user_attribute")):
        for name, dim in reader.mapping(dimensions.get(key, {}), f"{path}.{key}").items():
            rules.append(_attribute(reader, kind, name, dim, f"{path}.{key}.{name}"))
    if "Behavior" in dimensions:
        rules.append(_behaviour(reader, dimensions["Behavior"], f"{path}.Behavior"))
    if "Demographic" in dimensions:
        rules += _demographic(reader, dimensions["Demographic"], f"{path}.Demographic")
    if "Location" in dimensions:
        rules += _location(reader, dimensions["Location"], f"{path}.Location")
    for name, dim in reader.mapping(dimensions.get("Metrics", {}), f"{path}.Metrics").items():
        rules.append(_metric(reader, name, dim, f"{path}.Metrics.{name}"))
    return [r for r in rules if r is not None]


def _attribute(
    reader: Reader, kind: str, name: str, value: Any, path: str
) -> dict[str, Any] | None:
    dim = reader.mapping(value, path, "AttributeDimension")
    op = reader.choice(
        dim.get("AttributeType"), f"{path}.AttributeType", ATTRIBUTE_OPS, "INCLUSIVE"
    )
    rule = {"type": kind, "name": name, "op": op, "values": reader.values(dim, path)}
    return reader.rule(rule, path)


def _behaviour(reader: Reader, value: Any, path: str) -> dict[str, Any] | None:
    behaviour = reader.mapping(value, path, "SegmentBehaviors")
    recency = reader.mapping(behaviour.get("Recency", {}), f"{path}.Recency", "RecencyDimension")
    within = reader.choice(recency.get("Duration"), f"{path}.Recency.Duration", RECENCY, None)
    kind = reader.choice(
        recency.get("RecencyType"),
        f"{path}.Recency.RecencyType",
        {"ACTIVE": "active", "INACTIVE": "inactive"},
        None,
    )
    return reader.rule({"type": kind, "within": within}, f"{path}.Recency")


def _demographic(reader: Reader, value: Any, path: str) -> list[dict[str, Any] | None]:
    demographic = reader.mapping(value, path, "SegmentDemographics")
    rules: list[dict[str, Any] | None] = []
    for key, dim in demographic.items():
        where = f"{path}.{key}"
        if key == "DeviceType":
            reader.problems.add(
                f"{where}: Herald endpoints record no device type; use Demographic.Model or "
                "Platform, or an attribute"
            )
            continue
        op, values = _set(reader, dim, where)
        if key == "Channel":
            rules.append(reader.rule({"type": "channel", "op": op, "values": values}, where))
        elif key in DEMOGRAPHIC_FIELDS:
            field = DEMOGRAPHIC_FIELDS[key]
            rule = {"type": "demographic", "field": field, "op": op, "values": values}
            rules.append(reader.rule(rule, where))
    return rules


def _location(reader: Reader, value: Any, path: str) -> list[dict[str, Any] | None]:
    location = reader.mapping(value, path, "SegmentLocation")
    rules: list[dict[str, Any] | None] = []
    if "Country" in location:
        op, values = _set(reader, location["Country"], f"{path}.Country")
        country = {"type": "location", "field": "country", "op": op, "values": values}
        rules.append(reader.rule(country, f"{path}.Country"))
    if "GPSPoint" in location:
        where = f"{path}.GPSPoint"
        point = reader.mapping(location["GPSPoint"], where, "GPSPointDimension")
        coordinates = reader.mapping(
            point.get("Coordinates"), f"{where}.Coordinates", "GPSCoordinates"
        )
        if "RangeInKilometers" not in point:
            reader.problems.add(f"{where}.RangeInKilometers: missing; Herald needs the radius")
        near: dict[str, Any] = {
            "type": "near",
            "latitude": coordinates.get("Latitude"),
            "longitude": coordinates.get("Longitude"),
            "within_km": point.get("RangeInKilometers", 1),
        }
        rules.append(reader.rule(near, where))
    return rules


def _metric(reader: Reader, name: str, value: Any, path: str) -> dict[str, Any] | None:
    dim = reader.mapping(value, path, "MetricDimension")
    op = reader.choice(
        dim.get("ComparisonOperator"), f"{path}.ComparisonOperator", METRIC_OPS, None
    )
    return reader.rule({"type": "metric", "name": name, "op": op, "value": dim.get("Value")}, path)


def _set(reader: Reader, value: Any, path: str) -> tuple[str, list[str]]:
    dim = reader.mapping(value, path, "SetDimension")
    op = reader.choice(dim.get("DimensionType"), f"{path}.DimensionType", SET_OPS, "INCLUSIVE")
    return op, reader.values(dim, path)
