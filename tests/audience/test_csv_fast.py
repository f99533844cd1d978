"""The CSV fast path builds exactly the rows the Endpoint model path builds, or steps aside."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from herald.audience.csv_fast import fast_rows
from herald.audience.prepare import _item
from herald.audience.records import row_document
from herald.models import Endpoint
from herald.store.bulk import stamp_for
from herald.store.endpoint_rows import prepare, prepare_content

STAMP = stamp_for("sqlite")
NOW = "2026-06-01 00:00:00.000000"

OPTIONAL = [
    "User.UserId",
    "User.UserAttributes.Tier",
    "Attributes.Plan",
    "Attributes.Plan",
    "Attributes.Interests",
    "Demographic.Platform",
    "Demographic.Timezone",
    "Location.Country",
    "Location.City",
    "Location.Latitude",
    "Location.Longitude",
    "Metrics.visits",
    "Metrics.visits",
    "OptOut",
    "EndpointStatus",
    "EffectiveDate",
    "RequestId",
]
# Per column: values the model accepts, then values it may refuse or read differently.
TEXT = (
    ["", "a", " b ", "x" * 300, "2024-01-31", "\u00df"],
    [" ", "x" * 301, "n\x00", '["a"]', "[x"],
)
NUMBER = (["", "1", " 2.5 ", "-0", "-180", "1_0"], ["91", "1e400", "nan", "inf", "x"])
CHOICES = {
    "OptOut": (["", "ALL", "NONE", " ALL"], ["all", "x", " "]),
    "EndpointStatus": (["", "ACTIVE", "INACTIVE"], ["active", "x"]),
    "User.UserId": (["", "u1", " u2 ", "i" * 200], [" ", "i" * 201]),
    "Location.Country": (["", "us", " fr ", "GB"], ["zz", " "]),
    "EffectiveDate": ([""], ["2024-01-31T00:00:00Z"]),
}
ID = (["e1", " e2 ", "i" * 200], ["", " ", "i" * 201])
ADDRESSES = (
    [
        ("EMAIL", "ann@example.com"),
        (" EMAIL ", " Ann@Example.COM "),
        ("EMAIL", "admin@example.com"),
        ("EMAIL", "caf\u00e9@example.fr"),
        ("SMS", "+14155550100"),
        ("SMS", "+1 415 555 0100"),
        ("VOICE", "+441632960961"),
        ("APNS", " device-token "),
    ],
    [
        ("SMS", "+11155550100"),
        ("SMS", "+1415555010"),
        ("SMS", "0612345678"),
        ("SMS", "4155550100"),
        ("EMAIL", "not-an-address"),
        ("EMAIL", ""),
        ("sms", "+14155550100"),
        ("FAX", "1"),
        ("APNS", "a" * 321),
    ],
)


def _choices(column: str) -> tuple[list[str], list[str]]:
    if column == "Location.Latitude":
        return ["", "1", " 2.5 ", "-0", "-90", "1_0"], ["91", "-180", "nan", "x"]
    if column in ("Location.Longitude", "Metrics.visits"):
        return NUMBER
    return CHOICES.get(column, TEXT)


@st.composite
def files(draw: st.DrawFn) -> tuple[tuple[str, ...], list[list[str]]]:
    """A header and rows whose cells the model accepts, but for at most one (any value)."""
    optional = draw(st.lists(st.sampled_from(OPTIONAL), max_size=10))
    header = ("Id", "ChannelType", "Address", *optional)
    rows = []
    for _ in range(draw(st.integers(1, 8))):
        spoilt = draw(st.sampled_from(range(len(header) + 2)))  # past the end: none
        pair = draw(st.sampled_from(ADDRESSES[1] if spoilt == 1 else ADDRESSES[0]))
        endpoint_id = draw(st.sampled_from(ID[1] if spoilt == 0 else ID[0]))
        cells = [endpoint_id, *pair]
        for i, column in enumerate(optional, start=3):
            good, bad = _choices(column)
            cells.append(draw(st.sampled_from(bad if i == spoilt else good)))
        rows.append(cells)
    return header, rows


@settings(max_examples=400, derandomize=True, database=None, deadline=None)
@given(file=files())
def test_the_fast_path_gives_the_model_paths_rows_or_none(
    file: tuple[tuple[str, ...], list[list[str]]],
) -> None:
    header, rows = file
    for cells in rows:
        _check(header, cells)


PLACE = ("Id", "ChannelType", "Address", "Location.Latitude", "Location.Longitude", "User.UserId")


@pytest.mark.parametrize(
    "cells",
    [
        ["e", "EMAIL", "a@example.com", "91", "2", ""],
        ["e", "EMAIL", "a@example.com", "-90", "-181", ""],
        ["e", "EMAIL", "a@example.com", "nan", "2", ""],
        ["e", "EMAIL", "a@example.com", "", "2", ""],
        ["e", "EMAIL", "a@example.com", "", "", " "],
        ["e", "EMAIL", "a@example.com", "90", "-180", "i" * 201],
    ],
)
def test_rows_the_model_refuses_are_left_to_it(cells: list[str]) -> None:
    assert _check(PLACE, cells) is None


def _check(header: tuple[str, ...], cells: list[str]) -> object:
    """The fast path's content for the row, checked against the model path's rows."""
    fast = fast_rows(header)
    found = fast.content(cells) if fast else None
    if found is not None:
        item = _item(2, row_document(list(cells), header))
        assert isinstance(item, Endpoint), (cells, item)
        assert prepare_content(found, NOW, STAMP) == prepare(item, NOW, STAMP), cells
    return found


def test_the_benchmarks_rows_take_the_fast_path() -> None:
    header = ("Id", "ChannelType", "Address", "User.UserId", "Location.Latitude")
    fast = fast_rows(header)
    assert fast is not None
    assert fast.content(["e1", "SMS", "+14155550100", "u1", ""]) is not None
    assert fast.content(["e1", "SMS", "+14155550100", "u1", "12"]) is None  # no longitude
