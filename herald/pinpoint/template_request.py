"""Reading one Pinpoint template request, member by member, keeping every problem with its path.

The members each structure may have come from botocore's Pinpoint model, so a misspelt or
unsupported field is named, never ignored.
"""

from __future__ import annotations

from typing import Any

from herald.pinpoint.handlebars import to_jinja
from herald.pinpoint.handlebars_syntax import HandlebarsError
from herald.pinpoint.registry import PinpointImportError
from herald.pinpoint.request_types import json_type, shapes

# What `aws pinpoint get-*-template` adds around the request's fields.
_RESPONSE_ONLY = frozenset(
    {"Arn", "CreationDate", "LastModifiedDate", "TemplateName", "TemplateType", "Version", "tags"}
)


class Problems:
    def __init__(self) -> None:
        self.lines: list[str] = []

    def add(self, line: str) -> None:
        self.lines.append(line)

    def raise_any(self) -> None:
        if self.lines:
            raise PinpointImportError("\n".join(self.lines))


class Request:
    """A structure of a Pinpoint request, at a JSON path (`Content[0].BodyConfig`)."""

    def __init__(self, data: dict[str, Any], shape: str, path: str, problems: Problems) -> None:
        self.data, self.shape, self.path, self.problems = data, shape, path, problems
        members = shapes()[shape]["members"]
        for key in data:
            if key not in members and key not in _RESPONSE_ONLY:
                self.problems.add(
                    f"{self.where(key)}: not a member of {shape}; members: {', '.join(members)}"
                )

    @classmethod
    def of(cls, document: Any, shape: str) -> Request:
        """The request in `document`: the request itself, or the response / call input
        around it (`{"EmailTemplateResponse": {...}}`, `{"EmailTemplateRequest": {...}}`)."""
        wrapper = shape.removesuffix("Request") + "Response"
        if isinstance(document, dict) and len(document) <= 2:
            for key in (shape, wrapper):
                if isinstance(document.get(key), dict):
                    document = document[key]
                    break
        if not isinstance(document, dict):
            raise PinpointImportError(f"expected a JSON object ({shape}), got {type(document)}")
        return cls(document, shape, "", Problems())

    def where(self, key: str) -> str:
        return f"{self.path}.{key}" if self.path else key

    def _member_shape(self, key: str) -> str:
        shape: str = shapes()[self.shape]["members"][key]["shape"]
        return shape

    def string(self, key: str) -> str | None:
        value = self.data.get(key)
        if value is None or isinstance(value, str):
            return value
        self.problems.add(f"{self.where(key)}: expected a string, got {json_type(value)}")
        return None

    def template(self, key: str, *, html: bool = False) -> str | None:
        """A Handlebars string member as Jinja2."""
        return self.translate(key, self.string(key), html=html)

    def translate(self, key: str, source: str | None, *, html: bool = False) -> str | None:
        if source is None:
            return None
        try:
            return to_jinja(source, html=html)
        except HandlebarsError as exc:
            self.problems.add(f"{self.where(key)}: {exc}")
            return source

    def integer(self, key: str) -> int | None:
        value = self.data.get(key)
        if value is None or (isinstance(value, int) and not isinstance(value, bool)):
            return value
        self.problems.add(f"{self.where(key)}: expected an integer, got {json_type(value)}")
        return None

    def strings(self, key: str) -> dict[str, str]:
        value = self.data.get(key) or {}
        if isinstance(value, dict) and all(isinstance(v, str) for v in value.values()):
            return {str(k): v for k, v in value.items()}
        self.problems.add(f"{self.where(key)}: expected an object of strings")
        return {}

    def object(self, key: str) -> Request | None:
        value = self.data.get(key)
        if value is None:
            return None
        if not isinstance(value, dict):
            self.problems.add(f"{self.where(key)}: expected an object, got {json_type(value)}")
            return None
        return Request(value, self._member_shape(key), self.where(key), self.problems)

    def objects(self, key: str) -> list[Request]:
        value = self.data.get(key) or []
        if not isinstance(value, list):
            self.problems.add(f"{self.where(key)}: expected a list, got {json_type(value)}")
            return []
        shape = shapes()[self._member_shape(key)]["member"]["shape"]
        out = []
        for i, item in enumerate(value):
            where = f"{self.where(key)}[{i}]"
            if isinstance(item, dict):
                out.append(Request(item, shape, where, self.problems))
            else:
                self.problems.add(f"{where}: expected an object, got {json_type(item)}")
        return out

    def refuse(self, key: str, why: str) -> None:
        """A member Herald cannot honour: a problem if it is set."""
        if self.data.get(key) not in (None, "", {}, []):
            self.problems.add(f"{self.where(key)}: {why}")
