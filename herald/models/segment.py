"""Segments: who a journey or campaign reaches.

Two forms, told apart by `type` (inferred when a file leaves it out):

- dynamic: `rules` (see `segment_rules`) combined by `match` (all / any / none), evaluated
  against the store whenever the segment is counted or paged. No rules: every endpoint.
- static: a fixed list, Pinpoint's imported segment: `endpoint_ids` and / or `user_ids`
  (every endpoint of those users) written in the file, or members an import stored
  (`herald endpoints import FILE --segment NAME`), described by `imported`.

Opted-out and inactive endpoints are members but never in a send set (`herald.segments`).
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field, ValidationInfo, field_validator, model_validator

from herald.models.base import HeraldModel
from herald.models.names import ResourceName
from herald.models.segment_rules import Match, Rule, segment_references

# Larger lists belong in an import: they are stored as rows, not in the definition.
MAX_INLINE_IDS = 10_000
_STATIC_FIELDS = ("endpoint_ids", "user_ids", "imported")


class ImportedMembers(HeraldModel):
    """Members an import stored in the `segment_members` table under `generation`."""

    generation: str = Field(min_length=1, max_length=64)
    digest: str = Field(description="sha256 of the sorted members: equal digests, same segment.")
    endpoints: int = Field(ge=0)
    users: int = Field(ge=0)
    source: str = ""


class Segment(HeraldModel):
    kind: Literal["Segment"] = "Segment"
    name: ResourceName
    description: str = ""
    type: Literal["dynamic", "static"] = "dynamic"
    match: Match = "all"
    rules: list[Rule] = Field(default_factory=list)
    endpoint_ids: list[str] = Field(default_factory=list, max_length=MAX_INLINE_IDS)
    user_ids: list[str] = Field(default_factory=list, max_length=MAX_INLINE_IDS)
    imported: ImportedMembers | None = None

    @model_validator(mode="before")
    @classmethod
    def _infer_type(cls, data: Any) -> Any:
        if isinstance(data, dict) and "type" not in data:
            static = any(field in data for field in _STATIC_FIELDS)
            return {**data, "type": "static" if static else "dynamic"}
        return data

    @field_validator("rules")
    @classmethod
    def _rules_fit(cls, rules: list[Rule], info: ValidationInfo) -> list[Rule]:
        if rules and info.data.get("type") == "static":
            raise ValueError("a static segment (endpoint_ids / user_ids) has no rules")
        name = info.data.get("name")
        for path, ref in segment_references(rules):
            if ref == name:
                raise ValueError(f"{path}.name: segment {ref!r} refers to itself")
        return rules

    @field_validator("endpoint_ids", "user_ids")
    @classmethod
    def _ids_fit(cls, ids: list[str], info: ValidationInfo) -> list[str]:
        if ids and info.data.get("type") == "dynamic":
            raise ValueError(f"a dynamic segment has `rules`, not `{info.field_name}`")
        empty = [i for i, member in enumerate(ids) if not member]
        if empty:
            raise ValueError(f"ids must not be empty (positions {empty})")
        return ids

    @field_validator("imported")
    @classmethod
    def _imported_fits(
        cls, imported: ImportedMembers | None, info: ValidationInfo
    ) -> ImportedMembers | None:
        if imported is not None and info.data.get("type") == "dynamic":
            raise ValueError("a dynamic segment has `rules`, not `imported` members")
        return imported

    @property
    def is_static(self) -> bool:
        return self.type == "static"

    def references(self) -> list[str]:
        """Names of the segments this one is built on."""
        return [name for _, name in segment_references(self.rules)]
