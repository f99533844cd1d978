"""Rows of an endpoint file, read as endpoint documents (Pinpoint's nested field names).

CSV headers are dotted paths of Pinpoint's EndpointRequest: `Id`, `ChannelType`, `Address`,
`User.UserId`, `User.UserAttributes.FirstName`, `Attributes.Plan`, `Demographic.Timezone`,
`Location.Country`, `Metrics.visits`, `OptOut`, ... An empty cell leaves the field out.
An attribute with several values repeats its column, or holds a JSON list (`["a","b"]`).
NDJSON lines are the same fields nested, one endpoint per line.
"""

from __future__ import annotations

import csv
import functools
import json
from collections.abc import Callable, Iterator
from typing import Any, TextIO

TOP = ("Id", "ChannelType", "Address", "EffectiveDate", "EndpointStatus", "OptOut", "RequestId")
NESTED = {
    "Demographic": (
        "AppVersion",
        "Locale",
        "Make",
        "Model",
        "ModelVersion",
        "Platform",
        "PlatformVersion",
        "Timezone",
    ),
    "Location": ("City", "Country", "Latitude", "Longitude", "PostalCode", "Region"),
    "User": ("UserId",),
}
MAPS = ("Attributes", "Metrics", "User.UserAttributes")
NUMBERS = frozenset({"Location.Latitude", "Location.Longitude"})

Document = dict[str, Any]
Cells = list[str]
Setter = Callable[[Document, str], None]


class FileFormatError(ValueError):
    """The file as a whole cannot be read (unknown column, not UTF-8...): nothing imported."""


class RowError(ValueError):
    """One row cannot be read; the others still are."""


# (line number where the row starts, what the row holds or why it cannot be read). A CSV
# row stays cells until it is prepared (see `row_document` and `csv_fast`).
Record = tuple[int, Document | Cells | RowError]
Header = tuple[str, ...]


def allowed_columns() -> str:
    nested = [f"{group}.{field}" for group, fields in NESTED.items() for field in fields]
    return ", ".join([*TOP, *nested, *(f"{m}.NAME" for m in MAPS)])


class CsvFile:
    """A CSV file's header, checked when the file is opened, and its data rows as cells."""

    def __init__(self, text: TextIO, source: str) -> None:
        self.reader = csv.reader(text, strict=True)
        try:
            header = next(self.reader, [])
        except (csv.Error, UnicodeDecodeError) as exc:
            raise FileFormatError(f"{source}: line 1: {exc}") from None
        self.header: Header = tuple(column.strip() for column in header)
        self.source = source
        for column in self.header:
            _setter(column, source)  # an unknown column stops the file here

    def __iter__(self) -> Iterator[Record]:
        """(line number, cells) per data row; the line is where the row starts."""
        if not self.header:
            return
        reader, source = self.reader, self.source
        line = reader.line_num + 1
        while True:
            try:
                cells = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                raise FileFormatError(f"{source}: line {line}: {exc}") from None
            except UnicodeDecodeError as exc:
                raise FileFormatError(f"{source}: line {line}: not UTF-8 ({exc.reason})") from None
            start, line = line, reader.line_num + 1
            if not any(cells):
                continue
            if not is_utf8("".join(cells)):
                yield start, RowError(NOT_UTF8)
                continue
            yield start, cells


def row_document(cells: Cells, header: Header) -> Document | RowError:
    """A CSV row as the endpoint document its header's dotted paths describe."""
    setters = _setters(header)
    if len(cells) != len(setters):
        return RowError(f"has {len(cells)} cells, the header has {len(header)} columns")
    document: Document = {}
    try:
        for cell, setter in zip(cells, setters, strict=True):
            if cell != "":
                setter(document, cell)
    except RowError as exc:
        return exc
    return document


@functools.lru_cache(maxsize=8)
def _setters(header: Header) -> list[Setter]:
    return [_setter(column, "") for column in header]


def _setter(column: str, source: str) -> Setter:
    if column in TOP:
        return lambda doc, cell: doc.__setitem__(column, cell.strip())
    group, _, field = column.partition(".")
    if group in NESTED and field in NESTED[group]:
        convert = _number(column) if column in NUMBERS else str.strip
        return lambda doc, cell: doc.setdefault(group, {}).__setitem__(field, convert(cell))
    for prefix in MAPS:
        if column.startswith(prefix + ".") and len(column) > len(prefix) + 1:
            return _map_setter(prefix, column[len(prefix) + 1 :])
    raise FileFormatError(
        f"{source}: line 1: unknown column {column!r}; allowed: {allowed_columns()}"
    )


def _map_setter(prefix: str, name: str) -> Setter:
    first, *rest = prefix.split(".")
    column = f"{prefix}.{name}"
    if prefix == "Metrics":
        number = _number(column)
        return lambda doc, cell: doc.setdefault(first, {}).__setitem__(name, number(cell))

    def put(doc: Document, cell: str) -> None:
        target = doc.setdefault(first, {})
        for part in rest:
            target = target.setdefault(part, {})
        values = [cell] if cell[0] != "[" else _values(cell, column)
        target.setdefault(name, []).extend(values)

    return put


def _values(cell: str, column: str) -> list[str]:
    if not cell.startswith("["):
        return [cell]
    try:
        values = json.loads(cell)
    except json.JSONDecodeError:
        return [cell]  # a value that merely starts with "["
    if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
        raise RowError(f"{column}: a JSON list of values must hold only strings")
    return values


def _number(column: str) -> Callable[[str], float]:
    def convert(cell: str) -> float:
        try:
            return float(cell)
        except ValueError:
            raise RowError(f"{column}: {cell!r} is not a number") from None

    return convert


def ndjson_records(text: TextIO, source: str) -> Iterator[Record]:
    for number, line in enumerate(_lines(text, source), start=1):
        if not line.strip():
            continue
        if not is_utf8(line):
            yield number, RowError(NOT_UTF8)
            continue
        try:
            document = json.loads(line)
        except json.JSONDecodeError as exc:
            yield number, RowError(f"not JSON: {exc.msg} (column {exc.colno})")
            continue
        if not isinstance(document, dict):
            got = type(document).__name__
            yield number, RowError(f"expected a JSON object, got {got}")
            continue
        yield number, document


def _lines(text: TextIO, source: str) -> Iterator[str]:
    number = 0
    try:
        for line in text:
            number += 1
            yield line
    except UnicodeDecodeError as exc:
        raise FileFormatError(f"{source}: line {number + 1}: not UTF-8 ({exc.reason})") from None


NOT_UTF8 = "not UTF-8 text; save the file as UTF-8"


def is_utf8(text: str) -> bool:
    """False when decoding with surrogateescape kept bytes that are not UTF-8."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True
