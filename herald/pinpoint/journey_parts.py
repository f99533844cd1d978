"""Pieces of a Pinpoint WriteJourneyRequest turned into Herald's: conditions, waits, names."""

from __future__ import annotations

import re
from typing import Any

from herald.pinpoint.registry import PinpointImportError

ENGAGEMENT = {
    "_email.send": "sent",
    "_email.delivered": "delivered",
    "_email.open": "opened",
    "_email.click": "clicked",
    "_email.hardbounce": "bounced",
    "_email.softbounce": "bounced",
    "_SMS.SUCCESS": "delivered",
    "_SMS.BUFFERED": "sent",
    "_SMS.FAILURE": "bounced",
    "_SMS.RECEIVED": "replied",
    "_push.send": "sent",
    "_push.open": "opened",
}
METRIC_OPS = {
    "GREATER_THAN": "gt",
    "GREATER_THAN_OR_EQUAL": "ge",
    "LESS_THAN": "lt",
    "LESS_THAN_OR_EQUAL": "le",
    "EQUAL": "eq",
}
ATTRIBUTE_OPS = {"INCLUSIVE": "include", "EXCLUSIVE": "exclude", "CONTAINS": "contains"}
# A Herald condition, with the JSON path of the Pinpoint condition it came from.
Located = tuple[str, dict[str, Any]]


def get(node: Any, key: str, path: str, kind: type = dict) -> Any:
    """node[key], checked to be of `kind`; a missing key is None."""
    if not isinstance(node, dict):
        raise PinpointImportError(f"{path}: expected an object")
    value = node.get(key)
    if value is not None and not isinstance(value, kind):
        raise PinpointImportError(f"{path}.{key}: expected {kind.__name__}")
    return value


def resource_name(raw: str, path: str) -> str:
    """Pinpoint names (WelcomeEmail, my_segment) as Herald resource names (welcomeemail)."""
    name = re.sub(r"[^a-z0-9_.-]", "-", raw.strip().lower()).strip("-")
    if not name:
        raise PinpointImportError(f"{path}: {raw!r} cannot be a Herald name")
    return name[:100]


def wait_time(node: dict[str, Any], path: str) -> dict[str, str]:
    if node.get("WaitFor"):
        return {"duration": node["WaitFor"]}
    if node.get("WaitUntil"):
        return {"until": node["WaitUntil"]}
    raise PinpointImportError(f"{path}: needs WaitFor or WaitUntil")


def simple_condition(node: dict[str, Any], path: str) -> list[Located]:
    """One Pinpoint SimpleCondition as one or more Herald conditions (all must hold), each
    with the JSON path it came from."""
    if event := get(node, "EventCondition", path):
        here = f"{path}.EventCondition"
        return [(here, _event_condition(event, here))]
    if segment := get(node, "SegmentCondition", path):
        here = f"{path}.SegmentCondition.SegmentId"
        segment_id = get(segment, "SegmentId", f"{path}.SegmentCondition", str)
        return [(here, {"kind": "segment", "segment": resource_name(segment_id or "", here)})]
    if dims := get(node, "SegmentDimensions", path):
        return _dimensions(dims, f"{path}.SegmentDimensions")
    raise PinpointImportError(
        f"{path}: needs EventCondition, SegmentCondition or SegmentDimensions"
    )


def _event_condition(node: dict[str, Any], path: str) -> dict[str, Any]:
    event_type, attributes = event_filter(get(node, "Dimensions", path) or {}, f"{path}.Dimensions")
    activity = get(node, "MessageActivity", path, str)
    if activity:
        if event_type not in ENGAGEMENT:
            allowed = ", ".join(sorted(ENGAGEMENT))
            raise PinpointImportError(
                f"{path}: engagement event {event_type!r}; allowed: {allowed}"
            )
        return {"kind": "engagement", "step": activity, "engagement": ENGAGEMENT[event_type]}
    return {"kind": "event", "event_type": event_type, "attributes": attributes}


def event_filter(dims: dict[str, Any], path: str) -> tuple[str, dict[str, str]]:
    """EventDimensions as (event type, attributes that must all match): one INCLUSIVE event
    type, INCLUSIVE attributes with one value each, no metrics."""
    event_type = get(dims, "EventType", path) or {}
    types = event_type.get("Values") or []
    if len(types) != 1 or event_type.get("DimensionType", "INCLUSIVE") != "INCLUSIVE":
        raise PinpointImportError(
            f"{path}.EventType: one INCLUSIVE event type translates, e.g. "
            '{"DimensionType": "INCLUSIVE", "Values": ["purchase"]}'
        )
    if get(dims, "Metrics", path):
        raise PinpointImportError(f"{path}.Metrics: event metrics do not translate; remove them")
    return types[0], _single_values(get(dims, "Attributes", path) or {}, f"{path}.Attributes")


def _single_values(attributes: dict[str, Any], path: str) -> dict[str, str]:
    out = {}
    for name, dim in attributes.items():
        values = dim.get("Values") or []
        if dim.get("AttributeType", "INCLUSIVE") != "INCLUSIVE" or len(values) != 1:
            raise PinpointImportError(
                f"{path}.{name}: only AttributeType INCLUSIVE with one value translates"
            )
        out[name] = values[0]
    return out


def _dimensions(dims: dict[str, Any], path: str) -> list[Located]:
    unsupported = sorted(set(dims) - {"Attributes", "UserAttributes", "Metrics"})
    if unsupported:
        raise PinpointImportError(
            f"{path}.{unsupported[0]}: not translated in a split; use a segment condition"
        )
    out: list[Located] = []
    for scope, key in (("endpoint", "Attributes"), ("user", "UserAttributes")):
        for name, dim in (dims.get(key) or {}).items():
            here = f"{path}.{key}.{name}"
            kind = dim.get("AttributeType", "INCLUSIVE")
            if kind not in ATTRIBUTE_OPS:
                allowed = ", ".join(ATTRIBUTE_OPS)
                raise PinpointImportError(f"{here}.AttributeType: {kind}; allowed: {allowed}")
            values = dim.get("Values") or []
            op = ATTRIBUTE_OPS[kind]
            condition = {"kind": "attribute", "scope": scope, "name": name, "op": op}
            out.append((here, {**condition, "values": values}))
    for name, dim in (dims.get("Metrics") or {}).items():
        here = f"{path}.Metrics.{name}"
        op = dim.get("ComparisonOperator")
        if op not in METRIC_OPS:
            allowed = ", ".join(METRIC_OPS)
            raise PinpointImportError(f"{here}.ComparisonOperator: {op!r}; allowed: {allowed}")
        condition = {"kind": "metric", "name": name, "op": METRIC_OPS[op]}
        out.append((here, {**condition, "value": dim.get("Value")}))
    return out
