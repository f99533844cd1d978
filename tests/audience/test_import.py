"""Importing endpoint files in Pinpoint's formats, on SQLite and PostgreSQL."""

from __future__ import annotations

import gc
import json
import sys
from pathlib import Path

import pytest
from sqlalchemy import func, select

from herald.audience import FileFormatError, RowProblem, import_endpoints
from herald.models import Segment
from herald.segments import count_members, page_members
from herald.store import Database, upgrade
from herald.store.endpoints import get_endpoint, upsert_endpoints
from herald.store.segments import get_segment, put_segment
from herald.store.tables import Base, EndpointRow, SegmentMemberRow

CSV = (
    "Id,ChannelType,Address,User.UserId,User.UserAttributes.FirstName,Attributes.Interests,"
    "Attributes.Interests,Demographic.Platform,Location.Country,Location.Latitude,"
    "Location.Longitude,Metrics.visits,OptOut\n"
    'ann,EMAIL,Ann@Example.COM,u-ann,Ann,"[""cats"",""jazz""]",,ios,fr,48.85,2.35,3,NONE\n'
    "bob,SMS,06 12 34 56 78,u-bob,Bob,dogs,cats,android,FR,,,1.5,ALL\n"
    "bad-email,EMAIL,not-an-address,,,,,,,,,,\n"
    'quoted,EMAIL,q@example.com,u-q,"Line one\nline two",,,,,,,,\n'
    "bad-metric,EMAIL,m@example.com,,,,,,,,,lots,\n"
    "short,EMAIL\n"
    ",PUSH,device-token-1,,,,,,,,,,\n"
    "bad-channel,FAX,123,,,,,,,,,,\n"
)


def _write(tmp_path: Path, name: str, content: str | bytes) -> Path:
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


async def test_csv_rows_are_imported_and_bad_rows_reported_by_line(
    database: Database, tmp_path: Path
) -> None:
    path = _write(tmp_path, "endpoints.csv", CSV)
    seen: list[RowProblem] = []
    report = await import_endpoints(database, path, on_problem=seen.append, batch_size=2)
    assert (report.rows, report.created, report.rejected) == (4, 4, 4)
    assert [(p.line, p.reason.split(":")[0]) for p in report.problems] == [
        (4, "Address"),
        (7, "Metrics.visits"),
        (8, "has 2 cells, the header has 13 columns"),
        (10, "ChannelType"),
    ]
    assert seen == report.problems
    async with database.session() as session:
        ann = await get_endpoint(session, "ann")
        bob = await get_endpoint(session, "bob")
        token = await get_endpoint(session, "push:device-token-1")
    assert ann is not None and bob is not None and token is not None
    assert ann.address == "Ann@example.com"
    assert ann.attributes == {"Interests": ["cats", "jazz"]}
    assert (ann.location.country, ann.location.latitude, ann.metrics) == (
        "FR",
        48.85,
        {"visits": 3},
    )
    assert bob.address == "+33612345678"  # read in the endpoint's country
    assert (bob.attributes, bob.opt_out) == ({"Interests": ["dogs", "cats"]}, "ALL")
    assert ann.user is not None and ann.user.user_attributes == {"FirstName": ["Ann"]}


async def test_a_second_import_changes_nothing(database: Database, tmp_path: Path) -> None:
    path = _write(tmp_path, "endpoints.csv", CSV)
    await import_endpoints(database, path)
    async with database.session() as session:
        before = (await session.execute(select(EndpointRow.id, EndpointRow.updated_at))).all()
    again = await import_endpoints(database, path)
    async with database.session() as session:
        after = (await session.execute(select(EndpointRow.id, EndpointRow.updated_at))).all()
    assert (again.created, again.updated, again.unchanged) == (0, 0, 4)
    assert sorted(after) == sorted(before)


async def test_an_import_leaves_the_interpreter_as_it_found_it(
    database: Database, tmp_path: Path
) -> None:
    # The API runs imports in its own process: collection and thread switching go back to
    # what they were once the import is done.
    before = gc.get_threshold(), sys.getswitchinterval(), gc.get_freeze_count()
    await import_endpoints(database, _write(tmp_path, "endpoints.csv", CSV))
    assert (gc.get_threshold(), sys.getswitchinterval(), gc.get_freeze_count()) == before


async def test_ndjson_lines_nest_the_same_fields(database: Database, tmp_path: Path) -> None:
    lines = [
        {
            "Id": "n1",
            "ChannelType": "EMAIL",
            "Address": "n1@example.com",
            "Attributes": {"A": ["x"]},
        },
        "not json",
        [1, 2],
        {"Id": "n2", "ChannelType": "SMS", "Address": "+14155550199", "Metrics": {"m": 2}},
        {"Id": "n3", "ChannelType": "EMAIL", "Address": "n3@example.com", "Color": "red"},
    ]
    text = "\n".join(line if isinstance(line, str) else json.dumps(line) for line in lines)
    report = await import_endpoints(database, _write(tmp_path, "e.ndjson", text + "\n\n"))
    assert report.created == 2
    assert [(p.line, p.reason[:20]) for p in report.problems] == [
        (2, "not JSON: Expecting "),
        (3, "expected a JSON obje"),
        (5, "Color: Extra inputs "),
    ]


async def test_a_row_that_is_not_utf8_is_reported_alone(database: Database, tmp_path: Path) -> None:
    content = b"Id,ChannelType,Address\nok,EMAIL,ok@example.com\nlatin,EMAIL,caf\xe9@example.com\n"
    report = await import_endpoints(database, _write(tmp_path, "e.csv", content))
    assert report.created == 1
    assert [(p.line, p.reason) for p in report.problems] == [
        (3, "not UTF-8 text; save the file as UTF-8")
    ]


async def test_an_unknown_column_stops_the_file_before_anything_is_imported(
    database: Database, tmp_path: Path
) -> None:
    path = _write(tmp_path, "e.csv", "Id,ChannelType,Address,Colour\na,EMAIL,a@example.com,red\n")
    with pytest.raises(FileFormatError, match=r"line 1: unknown column 'Colour'; allowed: Id"):
        await import_endpoints(database, path)
    with pytest.raises(FileFormatError, match="unknown file type"):
        await import_endpoints(database, _write(tmp_path, "e.xlsx", ""))
    async with database.session() as session:
        assert await session.scalar(select(func.count()).select_from(EndpointRow)) == 0


async def test_an_import_makes_a_static_segment_of_its_rows(
    database: Database, tmp_path: Path
) -> None:
    path = _write(tmp_path, "endpoints.csv", CSV)
    users = _write(tmp_path, "users.csv", "User.UserId,User.UserAttributes.Tier\nu-ann,gold\n")
    await import_endpoints(database, path)
    first = await import_endpoints(database, users, segment="gold-users")
    assert (first.users, first.segment_version, first.segment_changed) == (1, 1, True)
    report = await import_endpoints(database, path, segment="spring")
    assert (report.segment_version, report.segment_changed, report.members) == (1, True, 4)
    again = await import_endpoints(database, path, segment="spring")
    assert (again.segment_version, again.segment_changed) == (1, False)
    async with database.session() as session:
        spring = await get_segment(session, "spring")
        gold = await get_segment(session, "gold-users")
        assert spring is not None and gold is not None
        assert sorted(await page_members(session, spring)) == [
            "ann",
            "push:device-token-1",
            "quoted",
        ]
        assert await count_members(session, spring, include_unreachable=True) == 4
        assert await page_members(session, gold) == ["ann"]  # every endpoint of user u-ann
        generations = await session.scalar(
            select(func.count(func.distinct(SegmentMemberRow.generation))).where(
                SegmentMemberRow.segment == "spring"
            )
        )
    assert generations == 1, "an unchanged re-import leaves one copy of the members"


async def test_an_import_does_not_replace_a_dynamic_segment(
    database: Database, tmp_path: Path
) -> None:
    async with database.session() as session:
        await put_segment(session, Segment(name="dyn"))
    with pytest.raises(FileFormatError, match="is a dynamic segment"):
        await import_endpoints(database, _write(tmp_path, "e.csv", CSV), segment="dyn")


async def test_worker_processes_prepare_the_same_rows_in_file_order(
    database: Database, tmp_path: Path
) -> None:
    rows = "".join(f"e{i % 7},EMAIL,p{i}@example.com,{i}\n" for i in range(30))
    path = _write(tmp_path, "e.csv", "Id,ChannelType,Address,Metrics.n\n" + rows + "x,FAX,1,\n")
    report = await import_endpoints(database, path, workers=1, batch_size=4)
    assert (report.rows, report.rejected, report.problems[0].line) == (30, 1, 32)
    async with database.session() as session:
        last = await get_endpoint(session, "e1")
    assert last is not None and last.metrics == {"n": 29.0}  # the last row for an id wins


# The checksum is left out: it is taken from the input row, and the row given to the session
# path here is read back from the store (a user attribute without a user id is not stored).
_NOT_COMPARED = {"created_at", "updated_at", "checksum"}
_AUDIENCE = ("endpoints", "endpoint_attributes", "endpoint_metrics", "users", "user_attributes")


async def _audience_rows(database: Database) -> dict[str, list[tuple[object, ...]]]:
    rows: dict[str, list[tuple[object, ...]]] = {}
    async with database.session() as session:
        for name in _AUDIENCE:
            table = Base.metadata.tables[name]
            columns = [c for c in table.columns if c.name not in _NOT_COMPARED]
            found = await session.execute(select(*columns))
            rows[name] = sorted((tuple(r) for r in found), key=repr)
    return rows


async def test_sqlite_batches_store_what_every_other_write_stores(
    sqlite_database: Database, tmp_path: Path
) -> None:
    """On SQLite an import writes its batches with its own statements on the connection's
    thread; the same endpoints upserted through a session (the API's and PostgreSQL's path)
    must leave the very same rows."""
    report = await import_endpoints(sqlite_database, _write(tmp_path, "e.csv", CSV))
    assert report.created == 4
    async with sqlite_database.session() as session:
        ids = list((await session.execute(select(EndpointRow.id))).scalars())
        endpoints = [e for i in ids if (e := await get_endpoint(session, i)) is not None]
    url = f"sqlite:///{tmp_path / 'through-a-session.db'}"
    upgrade(url)
    other = Database(url)
    try:
        async with other.session() as session:
            await upsert_endpoints(session, endpoints)
        assert await _audience_rows(other) == await _audience_rows(sqlite_database)
    finally:
        await other.dispose()
