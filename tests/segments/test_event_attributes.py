"""`performed ... where` reads an event attribute by name: a name with non-ASCII characters
matches on SQLite as on PostgreSQL, for events recorded now and for those recorded before
revision 0023, which stored such names escaped."""

from __future__ import annotations

import json
import sqlite3
from contextlib import closing
from datetime import timedelta
from pathlib import Path
from typing import Any

from herald.models import Endpoint, Event, Segment
from herald.segments import page_members
from herald.store import Database, upgrade
from herald.store.bulk import sqlite_time
from tests.segments.world import NOW, World, load

BIG_BUYS = Segment.model_validate(
    {
        "name": "big-buys",
        "rules": [{"type": "performed", "event": "purchase", "where": {"Größe": ["L"]}}],
    }
)


def _endpoint(endpoint_id: str) -> Endpoint:
    return Endpoint.model_validate(
        {"Id": endpoint_id, "ChannelType": "EMAIL", "Address": f"{endpoint_id}@example.com"}
    )


async def _members(database: Database, segment: Segment) -> list[str]:
    async with database.session() as session:
        found = await page_members(session, segment, now=NOW, include_unreachable=True)
    return sorted(found)


async def test_a_non_ascii_event_attribute_name_matches(database: Database) -> None:
    """SQLite's json_extract matches a key as stored: `$."Größe"` missed the
    `"Gr\\u00f6\\u00dfe"` that escaped JSON held, where PostgreSQL found it."""
    buy = Event(
        endpoint_id="buyer",
        event_type="purchase",
        timestamp=NOW - timedelta(hours=1),
        attributes={"Größe": "L"},
    )
    await load(database, World(endpoints=[_endpoint("buyer"), _endpoint("browser")], events=[buy]))
    assert await _members(database, BIG_BUYS) == ["buyer"]


def _escaped_event(event_id: str, attributes: dict[str, Any]) -> tuple[str, ...]:
    """An events row as Herald wrote it on SQLite before 0023: JSON with `\\uXXXX` escapes."""
    stamp = sqlite_time(NOW - timedelta(hours=1))
    return (event_id, "buyer", "purchase", stamp, json.dumps(attributes), "{}", stamp, stamp)


def _insert_escaped(path: Path, rows: list[tuple[str, ...]]) -> None:
    with closing(sqlite3.connect(path)) as connection, connection:
        connection.executemany(
            "INSERT INTO events (id, endpoint_id, event_type, timestamp, attributes, metrics,"
            " received_at, routed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            rows,
        )


def _stored_attributes(path: Path) -> dict[str, str]:
    with closing(sqlite3.connect(path)) as connection:
        return dict(connection.execute("SELECT id, attributes FROM events").fetchall())


async def test_the_upgrade_unescapes_the_event_attributes_stored_before(tmp_path: Path) -> None:
    path = tmp_path / "herald.db"
    url = f"sqlite:///{path}"
    upgrade(url, "0022")
    # More rows than one batch of the rewrite; one whose backslash is data stays as it is.
    fillers = [_escaped_event(f"f{i:04}", {"note": "café"}) for i in range(2500)]
    kept = _escaped_event("path", {"Größe": "L", "path": "C:\\users"})
    _insert_escaped(path, [_escaped_event("buy", {"Größe": "L"}), kept, *fillers])
    upgrade(url)

    stored = _stored_attributes(path)
    assert json.loads(stored["buy"]) == {"Größe": "L"}
    assert "\\u" not in stored["buy"] and "\\u" not in stored["f2499"]
    assert json.loads(stored["path"]) == {"Größe": "L", "path": "C:\\users"}
    database = Database(url)
    try:
        await load(database, World(endpoints=[_endpoint("buyer")]))
        assert await _members(database, BIG_BUYS) == ["buyer"]
    finally:
        await database.dispose()


async def test_an_attribute_that_is_no_utf8_is_still_recorded(sqlite_database: Database) -> None:
    """A lone surrogate (JSON allows `\\ud800`) cannot be stored as UTF-8 text: that document
    keeps its escapes rather than failing the write."""
    odd = Event(
        endpoint_id="buyer",
        event_type="purchase",
        timestamp=NOW - timedelta(hours=1),
        attributes={"Größe": "\ud800"},
    )
    await load(sqlite_database, World(endpoints=[_endpoint("buyer")], events=[odd]))
    bought = Segment.model_validate(
        {"name": "bought", "rules": [{"type": "performed", "event": "purchase"}]}
    )
    assert await _members(sqlite_database, bought) == ["buyer"]
