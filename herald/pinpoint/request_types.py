"""The JSON types of a Pinpoint request, checked against botocore's Pinpoint model.

A translator reads each field knowing its type; checking the whole request first means
`"Percentage": "50"` or an activity that is null is refused with its JSON path, every such
problem at once, instead of failing somewhere inside the translation; so is a member the
model does not have (a misspelling), except those the caller passes over.
"""

from __future__ import annotations

import json
from functools import cache
from typing import Any

import botocore.loaders

# A scalar shape's type -> the Python types json.loads gives for it, and how to say it.
_SCALARS: dict[str, tuple[tuple[type, ...], str]] = {
    "string": ((str,), "a string"),
    "timestamp": ((str,), "an ISO 8601 date-time string"),
    "integer": ((int,), "an integer"),
    "long": ((int,), "an integer"),
    "double": ((int, float), "a number"),
    "float": ((int, float), "a number"),
    "boolean": ((bool,), "true or false"),
}


@cache
def shapes() -> dict[str, Any]:
    """The shapes of botocore's Pinpoint model (its service-2.json), read once."""
    model = botocore.loaders.Loader().load_service_model("pinpoint", "service-2")
    found: dict[str, Any] = model["shapes"]
    return found


def read_request(document: Any, request: str, response: str) -> tuple[Any, list[str]]:
    """The request in `document` (bare, or in its `{request: ...}` or `{response: ...}`
    wrapper, as the AWS CLI takes and prints it) and its problems against `request`'s shape.
    Members only the response has (Id, ApplicationId, tags...) describe an export: passed
    over."""
    if isinstance(document, dict) and len(document) == 1:
        [(key, inner)] = document.items()
        if key in (request, response) and isinstance(inner, dict):
            document = inner
    return document, type_problems(document, request, ignored=_response_only(request, response))


@cache
def _response_only(request: str, response: str) -> frozenset[str]:
    return frozenset(set(shapes()[response]["members"]) - set(shapes()[request]["members"]))


def json_type(value: Any) -> str:
    names = {bool: "a boolean", int: "a number", float: "a number", str: "a string"}
    names |= {list: "a list", dict: "an object"}
    return names.get(type(value), "null")


def type_problems(
    value: Any, shape: str, path: str = "$", ignored: frozenset[str] = frozenset()
) -> list[str]:
    """Every place in `value` whose JSON type is not the one `shape` gives it, with its path,
    and every member the model does not have (a misspelt `NextActivty` would otherwise drop
    its link without a word); `ignored`: members of the top structure to pass over.

    A structure's member that is null counts as absent, as Pinpoint reads it; a null in a
    list or as a map's value is a problem."""
    spec = shapes()[shape]
    kind = spec["type"]
    if kind == "structure":
        return _structure(value, spec, shape, path, ignored)
    if kind == "list":
        return _list(value, spec["member"]["shape"], path)
    if kind == "map":
        return _map(value, spec, path)
    return _scalar(value, spec, shape, path)


def _structure(
    value: Any, spec: dict[str, Any], shape: str, path: str, ignored: frozenset[str]
) -> list[str]:
    if not isinstance(value, dict):
        return [f"{path}: expected an object ({shape}), got {_said(value)}"]
    members = spec["members"]
    unknown = [key for key in value if key not in members and key not in ignored]
    return [
        f"{path}.{key}: not a field of Pinpoint's {shape}; allowed: {', '.join(members)}"
        for key in unknown
    ] + [
        problem
        for key, item in value.items()
        if key in members and item is not None
        for problem in type_problems(item, members[key]["shape"], f"{path}.{key}")
    ]


def _list(value: Any, member: str, path: str) -> list[str]:
    if not isinstance(value, list):
        return [f"{path}: expected a list, got {_said(value)}"]
    return [p for i, item in enumerate(value) for p in type_problems(item, member, f"{path}.{i}")]


def _map(value: Any, spec: dict[str, Any], path: str) -> list[str]:
    if not isinstance(value, dict):
        return [f"{path}: expected an object, got {_said(value)}"]
    # Keys are JSON strings already; the translators check the ones with allowed values.
    member = spec["value"]["shape"]
    return [p for key, item in value.items() for p in type_problems(item, member, f"{path}.{key}")]


def _scalar(value: Any, spec: dict[str, Any], shape: str, path: str) -> list[str]:
    types, said = _SCALARS.get(spec["type"], ((object,), spec["type"]))
    # JSON true is no integer, though Python's bool is an int.
    if isinstance(value, bool) != (bool in types) or not isinstance(value, types):
        return [f"{path}: expected {said}, got {_said(value)}"]
    return _enum(value, spec, shape, path)


def _enum(value: Any, spec: dict[str, Any], shape: str, path: str) -> list[str]:
    allowed = spec.get("enum")
    if allowed is None or value in allowed:
        return []
    return [
        f"{path}: {value!r} is not one of Pinpoint's {shape} values; allowed: {', '.join(allowed)}"
    ]


def _said(value: Any) -> str:
    """A value's JSON type, and the value when it is short enough to recognise."""
    if isinstance(value, str | int | float) and len(written := json.dumps(value)) <= 40:
        return f"{json_type(value)} ({written})"
    return json_type(value)
