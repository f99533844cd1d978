"""Bulk writes on SQLite, whose rows go many to a statement."""

from __future__ import annotations

import sqlite3

import pytest
from sqlalchemy import text

from herald.store import Database, bulk
from herald.store.bulk import insert_tuples
from herald.store.users import USER_COLUMNS


async def test_rows_over_several_statements_keep_the_last_row_for_a_key(
    sqlite_database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Two rows a statement: seven rows make three full statements and one of a single row,
    # with repeated keys inside one statement and across statements.
    monkeypatch.setattr(bulk, "SQLITE_MAX_PARAMS", 2 * len(USER_COLUMNS))
    stamp = "2026-01-01 00:00:00.000000"
    rows = [
        ("u1", '{"v":["1"]}', stamp),
        ("u1", '{"v":["2"]}', stamp),
        ("u2", '{"v":["1"]}', stamp),
        ("u3", '{"v":["1"]}', stamp),
        ("u2", '{"v":["2"]}', stamp),
        ("u4", '{"v":["1"]}', stamp),
        ("u3", '{"v":["3"]}', stamp),
    ]
    update = ["user_attributes", "updated_at"]
    async with sqlite_database.session() as session:
        await insert_tuples(
            session, "users", USER_COLUMNS, rows, conflict=["user_id"], update=update
        )
    async with sqlite_database.session() as session:
        result = await session.execute(
            text("SELECT user_id, user_attributes FROM users ORDER BY user_id")
        )
        stored = [tuple(row) for row in result]
    assert stored == [
        ("u1", '{"v":["2"]}'),
        ("u2", '{"v":["2"]}'),
        ("u3", '{"v":["3"]}'),
        ("u4", '{"v":["1"]}'),
    ]


async def test_a_transaction_whose_work_fails_leaves_nothing(sqlite_database: Database) -> None:
    stamp = "2026-01-01 00:00:00.000000"

    def write_then_fail(connection: sqlite3.Connection) -> None:
        connection.execute(
            "INSERT INTO users (user_id, user_attributes, updated_at) VALUES (?, ?, ?)",
            ("u1", "{}", stamp),
        )
        raise RuntimeError("the batch cannot be written")

    with pytest.raises(RuntimeError):
        await sqlite_database.sqlite_transaction(write_then_fail)

    def count(connection: sqlite3.Connection) -> int:
        return int(connection.execute("SELECT count(*) FROM users").fetchone()[0])

    assert await sqlite_database.sqlite_transaction(count) == 0
