"""A synthetic audience for the audience benchmarks: an endpoint CSV in Pinpoint's import
format and a year of events, generated from a fixed seed.

Events are loaded straight into the events table (as the store writes them); endpoints go
through `herald endpoints import`, which is what the import benchmark measures.
"""

from __future__ import annotations

import csv
import json
import random
import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from herald.store.bulk import sqlite_time

NOW = datetime(2026, 6, 1, tzinfo=UTC)
CITIES = {
    "US": (40.71, -74.0),
    "FR": (48.86, 2.35),
    "DE": (52.52, 13.4),
    "GB": (51.51, -0.13),
    "JP": (35.68, 139.69),
    "BR": (-23.55, -46.63),
}
HEADER = [
    "Id",
    "ChannelType",
    "Address",
    "User.UserId",
    "User.UserAttributes.Tier",
    "Attributes.Plan",
    "Attributes.Interests",
    "Demographic.Platform",
    "Location.Country",
    "Location.Latitude",
    "Location.Longitude",
    "Metrics.visits",
    "OptOut",
]
EVENT_TYPES = ["purchase", "view", "view", "_session.start", "_email.open"]


def endpoint_id(index: int) -> str:
    return f"ep{index:07d}"


def user_id(index: int) -> str:
    return f"u{index // 2:07d}"


def write_endpoint_csv(path: Path, count: int, seed: int = 7) -> None:
    rnd = random.Random(seed)
    with path.open("w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file)
        writer.writerow(HEADER)
        for i in range(count):
            writer.writerow(_endpoint_row(rnd, i))


def _endpoint_row(rnd: random.Random, i: int) -> list[Any]:
    kind = rnd.random()
    channel = "EMAIL" if kind < 0.6 else "SMS" if kind < 0.9 else "APNS"
    address = {
        "EMAIL": f"person{i}@example.com",
        "SMS": f"+1415{2000000 + i % 7000000:07d}",
        "APNS": f"{rnd.getrandbits(128):032x}",
    }[channel]
    country = rnd.choice(list(CITIES))
    lat, lon = CITIES[country]
    return [
        endpoint_id(i),
        channel,
        address,
        user_id(i),
        rnd.choice(["gold", "silver", "bronze"]),
        rnd.choices(["free", "pro", "team"], weights=[6, 3, 1])[0],
        rnd.choice(["cats", "jazz", "golf", "food"]),
        rnd.choice(["ios", "android"]),
        country,
        f"{lat + rnd.uniform(-4, 4):.4f}",
        f"{lon + rnd.uniform(-4, 4):.4f}",
        rnd.randint(0, 50),
        "ALL" if rnd.random() < 0.02 else "NONE",
    ]


def events(count: int, endpoints: int, seed: int = 11) -> Iterator[tuple[Any, ...]]:
    """Rows for the events table: (id, endpoint_id, user_id, event_type, timestamp,
    attributes, metrics, received_at) with the time as a UTC datetime."""
    rnd = random.Random(seed)
    for n in range(count):
        i = rnd.randrange(endpoints)
        event_type = rnd.choice(EVENT_TYPES)
        attributes = {"currency": rnd.choice(["EUR", "USD"])} if event_type == "purchase" else {}
        at = NOW - timedelta(seconds=rnd.randrange(365 * 86400))
        yield (f"ev{n:08d}", endpoint_id(i), user_id(i), event_type, at, attributes, NOW)


def load_events_sqlite(path: Path, count: int, endpoints: int) -> None:
    """Insert events with the indexes dropped and rebuilt after (a bulk load, not the API)."""
    connection = sqlite3.connect(path)
    try:
        indexes = _drop_indexes_sqlite(connection, "events")
        sql = (
            "INSERT INTO events (id, endpoint_id, user_id, event_type, timestamp, attributes,"
            " metrics, received_at) VALUES (?, ?, ?, ?, ?, ?, '{}', ?)"
        )
        batch: list[tuple[Any, ...]] = []
        for row in events(count, endpoints):
            event_id, endpoint, user, event_type, at, attributes, received = row
            batch.append((event_id, endpoint, user, event_type, sqlite_time(at),
                          json.dumps(attributes), sqlite_time(received)))  # fmt: skip
            if len(batch) == 50_000:
                connection.executemany(sql, batch)
                batch = []
        connection.executemany(sql, batch)
        connection.commit()
        for ddl in indexes:
            connection.execute(ddl)
        connection.execute("ANALYZE")
        connection.commit()
    finally:
        connection.close()


def _drop_indexes_sqlite(connection: sqlite3.Connection, table: str) -> list[str]:
    found = connection.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? "
        "AND sql IS NOT NULL",
        (table,),
    ).fetchall()
    for name, _ in found:
        connection.execute(f'DROP INDEX "{name}"')
    return [sql for _, sql in found]
