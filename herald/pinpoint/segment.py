"""Pinpoint's WriteSegmentRequest as a Herald segment: `herald pinpoint import --kind segment`.

`Dimensions` become rules that must all hold. `SegmentGroups` become one `group` rule per
Pinpoint group, combined by `Include`; inside a group, its base segments (`SourceSegments`,
combined by `SourceType`) and its dimensions (combined by `Type`) must both hold, as in
Pinpoint. A base segment's `Id` names a Herald segment (import or apply it first); Herald
refers to a segment's current version, so a pinned `Version` is not kept. Every problem is
reported with its JSON path.
"""

from __future__ import annotations

import re
from typing import Any

from pydantic import ValidationError

from herald.models import DEFINITION_ADAPTER, Definition
from herald.models.names import NAME_PATTERN
from herald.pinpoint.registry import PinpointImportError
from herald.pinpoint.request_types import response_only, unwrap
from herald.pinpoint.segment_dimensions import Reader, dimension_rules
from herald.pinpoint.template_request import Problems

MATCH = {"ALL": "all", "ANY": "any", "NONE": "none"}


def segment(document: Any, name: str) -> list[Definition]:
    """The segment (a WriteSegmentRequest, or `get-segment`'s SegmentResponse, bare or in
    its wrapper), or PinpointImportError listing every problem, one a line."""
    reader = Reader(Problems())
    request = reader.mapping(_unwrap(reader, document), "$", "WriteSegmentRequest")
    rules: list[dict[str, Any]] = []
    if "Dimensions" in request:
        rules += dimension_rules(reader, request["Dimensions"], "$.Dimensions")
    match = "all"
    if "SegmentGroups" in request:
        groups, match = _groups(reader, request["SegmentGroups"], "$.SegmentGroups")
        if rules and groups:
            groups = [{"type": "group", "match": match, "rules": groups}]
            match = "all"
        rules += groups
    reader.problems.raise_any()
    return [_definition(name, request, match, rules)]


def _unwrap(reader: Reader, document: Any) -> Any:
    """The request in `document` (see `read_request`), without the members only a
    SegmentResponse has (ids, dates, its type), which describe the export."""
    request, problems = unwrap(document, "WriteSegmentRequest", "SegmentResponse")
    for problem in problems:
        reader.problems.add(problem)
    if not isinstance(request, dict):
        return request
    if "ImportDefinition" in request:
        raise PinpointImportError(
            "$.ImportDefinition: an imported segment's endpoints live in its S3 files; export "
            "them and run `herald endpoints import FILE --segment NAME`"
        )
    exported = response_only("WriteSegmentRequest", "SegmentResponse")
    return {k: v for k, v in request.items() if k not in exported}


def _groups(reader: Reader, value: Any, path: str) -> tuple[list[dict[str, Any]], str]:
    groups = reader.mapping(value, path, "SegmentGroupList")
    match = reader.choice(groups.get("Include"), f"{path}.Include", MATCH, "ALL")
    found = groups.get("Groups", [])
    if not isinstance(found, list):
        reader.problems.add(f"{path}.Groups: expected a list")
        return [], match
    rules = [_group(reader, g, f"{path}.Groups[{i}]") for i, g in enumerate(found)]
    return [r for r in rules if r is not None], match


def _group(reader: Reader, value: Any, path: str) -> dict[str, Any] | None:
    group = reader.mapping(value, path, "SegmentGroup")
    parts: list[dict[str, Any]] = []
    sources = [
        _source(reader, source, f"{path}.SourceSegments[{i}]")
        for i, source in enumerate(_list(reader, group, "SourceSegments", path))
    ]
    sources_match = reader.choice(group.get("SourceType"), f"{path}.SourceType", MATCH, "ALL")
    if any(s is not None for s in sources):
        parts.append({"type": "group", "match": sources_match, "rules": [s for s in sources if s]})
    dimension_match = reader.choice(group.get("Type"), f"{path}.Type", MATCH, "ALL")
    dimensions = [
        _all_of(dimension_rules(reader, d, f"{path}.Dimensions[{i}]"))
        for i, d in enumerate(_list(reader, group, "Dimensions", path))
    ]
    if dimensions:
        parts.append({"type": "group", "match": dimension_match, "rules": dimensions})
    if not parts:
        reader.problems.add(f"{path}: a group needs Dimensions or SourceSegments")
        return None
    return parts[0] if len(parts) == 1 else {"type": "group", "match": "all", "rules": parts}


def _list(reader: Reader, group: dict[str, Any], key: str, path: str) -> list[Any]:
    found = group.get(key, [])
    if not isinstance(found, list):
        reader.problems.add(f"{path}.{key}: expected a list")
        return []
    return found


def _all_of(rules: list[dict[str, Any]]) -> dict[str, Any]:
    return rules[0] if len(rules) == 1 else {"type": "group", "match": "all", "rules": rules}


def _source(reader: Reader, value: Any, path: str) -> dict[str, Any] | None:
    reference = reader.mapping(value, path, "SegmentReference")
    segment_id = reference.get("Id")
    name = segment_id.lower() if isinstance(segment_id, str) else ""
    if not re.fullmatch(NAME_PATTERN, name):
        reader.problems.add(
            f"{path}.Id: {segment_id!r} cannot name a Herald segment (lower-case letters, "
            "digits, '-', '_', '.'); import that segment under a valid name and use it here"
        )
        return None
    return {"type": "segment", "name": name}


def _definition(
    name: str, request: dict[str, Any], match: str, rules: list[dict[str, Any]]
) -> Definition:
    document = {
        "kind": "Segment",
        "name": name,
        "description": f"imported from Pinpoint segment {request.get('Name', name)!r}",
        "type": "dynamic",
        "match": match,
        "rules": rules,
    }
    try:
        return DEFINITION_ADAPTER.validate_python(document)
    except ValidationError as exc:
        lines = [f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors()]
        raise PinpointImportError("\n".join(lines)) from None
