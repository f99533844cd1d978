"""Batch writes straight to the driver, for the rows an import writes by the million.

SQLAlchemy's per-row parameter processing (JSON and timestamp types) costs more than SQLite's
own work for these rows, so values arrive here already in the driver's form: JSON as text,
timestamps as SQLite's stored text or as aware datetimes for psycopg. The statements are the
same on both databases: INSERT ... ON CONFLICT, named parameters.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, datetime
from json.encoder import c_make_encoder, encode_basestring  # type: ignore[attr-defined]
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession


def _sqlite_max_params() -> int:
    """Bound parameters a statement may hold in the SQLite library this Python links
    (32,766 since 3.32, 999 before)."""
    connection = sqlite3.connect(":memory:")
    try:
        return int(connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER))
    finally:
        connection.close()


SQLITE_MAX_PARAMS = _sqlite_max_params()

_ENCODER = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False)
# The C encoder `_ENCODER.encode` builds on every call, built once: the same text for the
# documents stored here (which hold no cycles, so it keeps no record of what it has seen),
# at a sixth of the cost, which counts at five documents per imported endpoint.
_C_ENCODER = (
    c_make_encoder(None, _ENCODER.default, encode_basestring, None, ":", ",", False, False, True)
    if c_make_encoder is not None
    else None
)


def json_text(value: Any) -> str:
    if _C_ENCODER is None or isinstance(value, str):
        return _ENCODER.encode(value)
    return "".join(_C_ENCODER(value, 0))


def time_value(session: AsyncSession, value: datetime | None) -> Any:
    """A timestamp as the table's UtcDateTime type stores it on this session's database."""
    return stamp_for(session.get_bind().dialect.name)(value)


def stamp_for(dialect: str) -> Callable[[datetime | None], Any]:
    """How timestamps are handed to this database's driver (a plain function, so the rows of
    an import can be prepared in another process)."""
    return _sqlite_stamp if dialect == "sqlite" else _utc_stamp


def _sqlite_stamp(value: datetime | None) -> str | None:
    return None if value is None else sqlite_time(value.astimezone(UTC))


def _utc_stamp(value: datetime | None) -> datetime | None:
    return None if value is None else value.astimezone(UTC)


def sqlite_time(value: datetime) -> str:
    """The text SQLAlchemy's SQLite DATETIME type writes, so comparisons agree with it."""
    return (
        f"{value.year:04d}-{value.month:02d}-{value.day:02d} "
        f"{value.hour:02d}:{value.minute:02d}:{value.second:02d}.{value.microsecond:06d}"
    )


async def insert_rows(
    session: AsyncSession,
    table: str,
    rows: Sequence[dict[str, Any]],
    *,
    conflict: Sequence[str],
    update: Sequence[str] = (),
) -> None:
    """INSERT the rows; on a conflict over `conflict`, update `update` (or do nothing)."""
    if not rows:
        return
    columns = list(rows[0])
    sqlite = session.get_bind().dialect.name == "sqlite"
    params = ", ".join(f":{c}" if sqlite else f"%({c})s" for c in columns)
    await _execute(session, _insert_sql(table, columns, params, conflict, update), list(rows))


async def insert_tuples(
    session: AsyncSession,
    table: str,
    columns: Sequence[str],
    rows: Sequence[tuple[Any, ...]],
    *,
    conflict: Sequence[str],
    update: Sequence[str] = (),
) -> None:
    """`insert_rows` for rows given as tuples of `columns`' values: the driver binds them by
    position, which for a million rows saves it a million dictionaries' look-ups."""
    if not rows:
        return
    if session.get_bind().dialect.name == "sqlite":
        await _insert_sqlite(session, table, columns, rows, conflict, update)
        return
    params = ", ".join("%s" for _ in columns)
    await _execute(session, _insert_sql(table, columns, params, conflict, update), list(rows))


async def _insert_sqlite(
    session: AsyncSession,
    table: str,
    columns: Sequence[str],
    rows: Sequence[tuple[Any, ...]],
    conflict: Sequence[str],
    update: Sequence[str],
) -> None:
    for sql, batches in sqlite_inserts(table, columns, rows, conflict, update):
        await _execute(session, sql, batches)


def sqlite_inserts(
    table: str,
    columns: Sequence[str],
    rows: Sequence[tuple[Any, ...]],
    conflict: Sequence[str],
    update: Sequence[str] = (),
) -> Iterator[tuple[str, list[tuple[Any, ...]]]]:
    """The rows as (statement, parameter sets) for `executemany`, many rows per statement.
    The sqlite3 module lets go of the GIL around each statement it steps; with one row a
    statement, the database thread then waits on the event loop's thread (busy preparing the
    next rows) for the GIL once a row, up to 5 ms each time. SQLite takes the rows of a
    multi-row VALUES in order, so a later row for a key still wins, as with one statement
    per row."""
    if not rows:
        return
    per_statement = max(1, SQLITE_MAX_PARAMS // len(columns))
    group = ", ".join("?" for _ in columns)
    full, rest = divmod(len(rows), per_statement)
    if full:
        sql = _insert_sql(table, columns, "), (".join([group] * per_statement), conflict, update)
        batches = [
            tuple(_flat(rows[start : start + per_statement]))
            for start in range(0, full * per_statement, per_statement)
        ]
        yield sql, batches
    if rest:
        sql = _insert_sql(table, columns, "), (".join([group] * rest), conflict, update)
        yield sql, [tuple(_flat(rows[full * per_statement :]))]


def _flat(rows: Sequence[tuple[Any, ...]]) -> list[Any]:
    return [value for row in rows for value in row]


def _insert_sql(
    table: str, columns: Sequence[str], params: str, conflict: Sequence[str], update: Sequence[str]
) -> str:
    action = (
        "DO UPDATE SET " + ", ".join(f"{c} = excluded.{c}" for c in update)
        if update
        else "DO NOTHING"
    )
    return (
        f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({params}) "
        f"ON CONFLICT ({', '.join(conflict)}) {action}"
    )


async def _execute(session: AsyncSession, sql: str, rows: list[Any]) -> None:
    connection = await session.connection()
    await connection.exec_driver_sql(sql, rows)
