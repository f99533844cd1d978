"""An import's batch written to SQLite in one call, on the thread that owns the connection.

Through SQLAlchemy and aiosqlite every statement is a hand-over between the event loop and
the database's thread, and during an import the loop is busy preparing the next batch, so
each of a batch's statements waited for the loop's next look. Here the batch's reads and
writes run as one function on the database's thread (the sqlite3 module lets go of the GIL
while SQLite works), and the loop prepares the next batch meanwhile. The statements, and so
the stored rows, are those of `endpoints.write_prepared`, `users.merge_users`,
`users.delete_users_without_endpoints` and `segments.stage_members`, which every other write
and PostgreSQL use.
"""

from __future__ import annotations

import functools
import json
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from herald.models import EndpointUser
from herald.store.bulk import SQLITE_MAX_PARAMS, sqlite_inserts, stamp_for
from herald.store.clock import utcnow
from herald.store.database import Database
from herald.store.endpoint_rows import (
    ATTRIBUTE_COLUMNS,
    ENDPOINT_COLUMNS,
    METRIC_COLUMNS,
    USER_ATTRIBUTE_COLUMNS,
    PreparedEndpoint,
    UserValues,
    user_attribute_rows,
)
from herald.store.endpoints import (
    ATTRIBUTE_KEY,
    ENDPOINT_UPDATE,
    METRIC_KEY,
    WriteCounts,
    changes,
    latest_versions,
    users_left,
)
from herald.store.users import (
    USER_ATTRIBUTE_KEY,
    USER_COLUMNS,
    USER_UPDATE,
    changed_users,
    incoming_attributes,
    user_rows,
)

# The indexes of a big import outgrow SQLite's default 2 MB page cache, and every miss is a
# read; 64 MB keeps the hot pages of a million rows in memory.
IMPORT_CACHE_KIB = 65536
# A batch rewrites pages all over the indexes that grow in random order (address, geo_z, metric
# values), and by default SQLite copies the WAL into the database (and syncs both) once the WAL
# passes 1,000 pages, which a batch of a big import does every time. At 10,000 (40 MB of WAL)
# a page rewritten by several batches is copied once: a million rows took 48 s instead of 52.
# Committed batches are as durable as before (the WAL is the database until it is copied).
IMPORT_CHECKPOINT_PAGES = 10_000
MEMBER_COLUMNS = ("segment", "generation", "member_type", "member_id")


@dataclass(frozen=True)
class Staging:
    """Where a batch's endpoints and user-only rows become members: a segment's new
    generation."""

    segment: str
    generation: str


async def write_batch(
    database: Database,
    endpoints: Sequence[PreparedEndpoint],
    users: Sequence[EndpointUser],
    staging: Staging | None,
) -> WriteCounts:
    """Write a batch in a transaction of its own: the endpoints (unchanged ones skipped),
    the users they left if those have no endpoint now, the endpoints' users (unchanged
    endpoints' too) and the user-only rows' users, then the segment members."""
    return await database.sqlite_transaction(
        functools.partial(_write, endpoints=endpoints, users=users, staging=staging)
    )


def _write(
    connection: sqlite3.Connection,
    endpoints: Sequence[PreparedEndpoint],
    users: Sequence[EndpointUser],
    staging: Staging | None,
) -> WriteCounts:
    # Per connection, so set on whichever the pool hands out; both stay set after the import.
    connection.execute(f"PRAGMA cache_size=-{IMPORT_CACHE_KIB}")
    connection.execute(f"PRAGMA wal_autocheckpoint={IMPORT_CHECKPOINT_PAGES}")
    latest = latest_versions(endpoints)
    found = _select_in(
        connection, "SELECT id, checksum, user_id FROM endpoints WHERE id IN ({})", latest
    )
    stored = {i: checksum or "" for i, checksum, _ in found}
    changed, counts = changes(latest, stored)
    if changed:
        rows = [e.row for e in changed]
        _insert(connection, "endpoints", ENDPOINT_COLUMNS, rows, ("id",), ENDPOINT_UPDATE)
        existing = [e.id for e in changed if e.id in stored]
        for table in ("endpoint_attributes", "endpoint_metrics"):
            _delete_in(connection, table, "endpoint_id", existing)
        values = [row for e in changed for row in e.attributes]
        _insert(connection, "endpoint_attributes", ATTRIBUTE_COLUMNS, values, ATTRIBUTE_KEY)
        metrics = [row for e in changed for row in e.metrics]
        _insert(connection, "endpoint_metrics", METRIC_COLUMNS, metrics, METRIC_KEY)
        left = users_left(changed, {i: user_id for i, _, user_id in found})
        _delete_users_without_endpoints(connection, list(left))
    # One merge: the endpoints' users (unchanged endpoints' too), then the user-only rows'.
    given: list[EndpointUser | UserValues] = [e.user for e in latest.values() if e.user is not None]
    _merge_users(connection, given + list(users))
    if staging is not None:
        _stage(connection, staging, "endpoint", [e.id for e in endpoints])
        _stage(connection, staging, "user", [u.user_id for u in users if u.user_id])
    return counts


def _merge_users(
    connection: sqlite3.Connection, users: Iterable[EndpointUser | UserValues]
) -> None:
    """`users.merge_users` on this connection."""
    incoming = incoming_attributes(users)
    if not incoming:
        return
    found = _select_in(
        connection, "SELECT user_id, user_attributes FROM users WHERE user_id IN ({})", incoming
    )
    stored = {user_id: json.loads(attributes) for user_id, attributes in found}
    changed = changed_users(incoming, stored)
    if not changed:
        return
    stamp = stamp_for("sqlite")
    rows = user_rows(changed, stamp(utcnow()))
    _insert(connection, "users", USER_COLUMNS, rows, ("user_id",), USER_UPDATE)
    _delete_in(connection, "user_attributes", "user_id", [u for u in changed if u in stored])
    values = [row for i, attrs in changed.items() for row in user_attribute_rows(i, attrs, stamp)]
    _insert(connection, "user_attributes", USER_ATTRIBUTE_COLUMNS, values, USER_ATTRIBUTE_KEY)


def _delete_users_without_endpoints(connection: sqlite3.Connection, user_ids: list[str]) -> None:
    """`users.delete_users_without_endpoints` on this connection."""
    for table in ("user_attributes", "users"):
        orphan = f"NOT EXISTS (SELECT 1 FROM endpoints WHERE endpoints.user_id = {table}.user_id)"
        _delete_in(connection, table, "user_id", user_ids, also=orphan)


def _stage(
    connection: sqlite3.Connection, staging: Staging, member_type: str, ids: Sequence[str]
) -> None:
    """`segments.stage_members` on this connection."""
    rows = [(staging.segment, staging.generation, member_type, i) for i in dict.fromkeys(ids)]
    _insert(connection, "segment_members", MEMBER_COLUMNS, rows, MEMBER_COLUMNS)


def _insert(
    connection: sqlite3.Connection,
    table: str,
    columns: Sequence[str],
    rows: Sequence[tuple[Any, ...]],
    conflict: Sequence[str],
    update: Sequence[str] = (),
) -> None:
    for sql, batches in sqlite_inserts(table, columns, rows, conflict, update):
        connection.executemany(sql, batches)


def _select_in(
    connection: sqlite3.Connection, sql: str, keys: Iterable[str]
) -> list[tuple[Any, ...]]:
    """The rows of `sql` (its IN list left as `{}`) for the keys, as many a statement as
    SQLite takes."""
    ids = list(keys)
    found: list[tuple[Any, ...]] = []
    for start in range(0, len(ids), SQLITE_MAX_PARAMS):
        chunk = ids[start : start + SQLITE_MAX_PARAMS]
        found += connection.execute(sql.format(", ".join("?" * len(chunk))), chunk).fetchall()
    return found


def _delete_in(
    connection: sqlite3.Connection, table: str, column: str, ids: list[str], also: str = ""
) -> None:
    """Delete the rows whose `column` is among `ids` (and that meet the condition `also`)."""
    condition = f" AND {also}" if also else ""
    for start in range(0, len(ids), SQLITE_MAX_PARAMS):
        chunk = ids[start : start + SQLITE_MAX_PARAMS]
        marks = ", ".join("?" * len(chunk))
        connection.execute(f"DELETE FROM {table} WHERE {column} IN ({marks}){condition}", chunk)
