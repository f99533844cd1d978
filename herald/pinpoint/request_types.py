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
    """The request in `document` and its problems against `request`'s shape. `document` is
    the request bare, or in the wrapper the AWS CLI prints or takes around it: `{response:
    ...}` (`get-*`), or `{request: ..., "ApplicationId": ...}` (`create-*` / `update-*
    --cli-input-json`). Members only the response has, at any depth (Id, ApplicationId, a
    treatment's State...), describe an export: passed over."""
    document, problems = unwrap(document, request, response)
    return document, problems + type_problems(document, request, response=response)


def unwrap(document: Any, request: str, response: str) -> tuple[Any, list[str]]:
    """The request inside its wrapper (see `read_request`), and the wrapper's members that
    are not the calls' parameters; `document` itself when it has no wrapper."""
    if not isinstance(document, dict):
        return document, []
    key = next((k for k in (request, response) if isinstance(document.get(k), dict)), None)
    if key is None:  # neither shape has a member named after a shape: this is no wrapper
        return document, []
    allowed = call_parameters(request)
    return document[key], [
        f"$.{other}: not a parameter of the calls that take a {request}; allowed: "
        + ", ".join(sorted(allowed | {key}))
        for other in document
        if other != key and other not in allowed
    ]


@cache
def call_parameters(request: str) -> frozenset[str]:
    """The members beside `request` of the calls that send it (`ApplicationId`, and the
    resource's id for an update: `JourneyId`, `CampaignId`, `SegmentId`)."""
    return frozenset(
        member
        for spec in shapes().values()
        if spec.get("payload") == request
        for member in spec["members"]
        if member != request
    )


@cache
def response_only(request: str, response: str) -> frozenset[str]:
    """The members of `response` that `request` has not (the export's ids, dates, state)."""
    return frozenset(set(shapes()[response]["members"]) - set(shapes()[request]["members"]))


def json_type(value: Any) -> str:
    names = {bool: "a boolean", int: "a number", float: "a number", str: "a string"}
    names |= {list: "a list", dict: "an object"}
    return names.get(type(value), "null")


def type_problems(
    value: Any, shape: str, path: str = "$", response: str | None = None
) -> list[str]:
    """Every place in `value` whose JSON type is not the one `shape` gives it, with its path,
    and every member the model does not have (a misspelt `NextActivty` would otherwise drop
    its link without a word). `response`: the shape an export has here (CampaignResponse for
    WriteCampaignRequest, TreatmentResource for WriteTreatmentResource); its members that
    `shape` has not are passed over, here and in the structures below.

    A structure's member that is null counts as absent, as Pinpoint reads it; a null in a
    list or as a map's value is a problem."""
    spec = shapes()[shape]
    kind = spec["type"]
    if response is not None and shapes()[response]["type"] != kind:
        response = None  # no export writes it otherwise, but then nothing is passed over
    if kind == "structure":
        return _structure(value, spec, shape, path, response)
    if kind == "list":
        return _list(value, spec["member"]["shape"], path, _inner(response, "member"))
    if kind == "map":
        return _map(value, spec, path, _inner(response, "value"))
    return _scalar(value, spec, shape, path)


def _inner(response: str | None, part: str) -> str | None:
    """The shape of a list's members or a map's values in the response, if there is one."""
    if response is None:
        return None
    shape: str = shapes()[response][part]["shape"]
    return shape


def _structure(
    value: Any, spec: dict[str, Any], shape: str, path: str, response: str | None
) -> list[str]:
    if not isinstance(value, dict):
        return [f"{path}: expected an object ({shape}), got {_said(value)}"]
    members = spec["members"]
    theirs = shapes()[response]["members"] if response is not None else {}
    ignored = response_only(shape, response) if response is not None else frozenset()
    unknown = [key for key in value if key not in members and key not in ignored]
    return [
        f"{path}.{key}: not a field of Pinpoint's {shape}; allowed: {', '.join(members)}"
        for key in unknown
    ] + [
        problem
        for key, item in value.items()
        if key in members and item is not None
        for problem in type_problems(
            item, members[key]["shape"], f"{path}.{key}", _member(theirs, key)
        )
    ]


def _member(members: dict[str, Any], key: str) -> str | None:
    shape: str | None = members[key]["shape"] if key in members else None
    return shape


def _list(value: Any, member: str, path: str, response: str | None) -> list[str]:
    if not isinstance(value, list):
        return [f"{path}: expected a list, got {_said(value)}"]
    return [
        p
        for i, item in enumerate(value)
        for p in type_problems(item, member, f"{path}.{i}", response)
    ]


def _map(value: Any, spec: dict[str, Any], path: str, response: str | None) -> list[str]:
    if not isinstance(value, dict):
        return [f"{path}: expected an object, got {_said(value)}"]
    # Keys are JSON strings already; the translators check the ones with allowed values.
    member = spec["value"]["shape"]
    return [
        p
        for key, item in value.items()
        for p in type_problems(item, member, f"{path}.{key}", response)
    ]


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
