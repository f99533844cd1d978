"""The benchmark audience in PostgreSQL: the rows Herald wrote in SQLite, copied with COPY.

Copying what `herald endpoints import` wrote keeps both databases holding exactly the same
rows while the PostgreSQL side loads in a minute instead of a second full import.
"""

from __future__ import annotations

import os
import sqlite3
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import psycopg

from herald.store import upgrade

ADMIN_URL = os.environ.get("HERALD_BENCH_PG", "postgresql://postgres@127.0.0.1:5432/test")
TABLES = (
    "endpoints",
    "users",
    "endpoint_attributes",
    "user_attributes",
    "endpoint_metrics",
    "events",
    "segments",
    "segment_members",
)


def available() -> bool:
    try:
        with psycopg.connect(ADMIN_URL, connect_timeout=3):
            return True
    except psycopg.OperationalError:
        return False


@contextmanager
def fresh_schema() -> Iterator[str]:
    """A database URL whose tables live in a new schema, dropped afterwards."""
    schema = f"bench_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(ADMIN_URL, autocommit=True) as connection:
        connection.execute(f'CREATE SCHEMA "{schema}"')
    try:
        yield f"{ADMIN_URL}?options=-csearch_path%3D{schema}"
    finally:
        with psycopg.connect(ADMIN_URL, autocommit=True) as connection:
            connection.execute(f'DROP SCHEMA "{schema}" CASCADE')


def copy_from_sqlite(source: Path, url: str) -> None:
    upgrade(url)
    lite = sqlite3.connect(source)
    try:
        with psycopg.connect(url, autocommit=True) as pg:
            pg.execute("SET TIME ZONE 'UTC'")  # SQLite's timestamps are UTC without an offset
            for table in TABLES:
                _copy_table(lite, pg, table)
            pg.execute("ANALYZE")
    finally:
        lite.close()


def _copy_table(lite: sqlite3.Connection, pg: psycopg.Connection[Any], table: str) -> None:
    columns = [row[1] for row in lite.execute(f"PRAGMA table_info({table})")]
    indexes = pg.execute(
        "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s "
        "AND schemaname = current_schema() AND indexname NOT LIKE 'pk_%%'",
        (table,),
    ).fetchall()
    for name, _ in indexes:
        pg.execute(f'DROP INDEX "{name}"')
    names = ", ".join(columns)
    with pg.cursor().copy(f"COPY {table} ({names}) FROM STDIN") as copy:
        for row in lite.execute(f"SELECT {names} FROM {table}"):
            copy.write_row(row)
    for _, definition in indexes:
        pg.execute(definition)
