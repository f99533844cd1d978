"""What SQL a piece of code runs, and how the database plans it: for tests that an index is
used, which a wrong query would pass on data this small."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event

from herald.store import Database

Statement = tuple[str, Any]  # the SQL text and its parameters


@contextmanager
def statements_run(database: Database) -> Iterator[list[Statement]]:
    """Every statement the database runs inside the block, in order."""
    statements: list[Statement] = []

    def capture(_conn: Any, _cursor: Any, statement: str, params: Any, *_: Any) -> None:
        statements.append((statement, params))

    engine = database.engine.sync_engine
    event.listen(engine, "before_cursor_execute", capture)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", capture)


async def query_plan(
    database: Database, statement: Statement, analyze: str | None = None
) -> list[str]:
    """The plan's lines (EXPLAIN QUERY PLAN on SQLite, EXPLAIN on PostgreSQL), after
    ANALYZE of the table `analyze` when given (in the same transaction: PostgreSQL keeps the
    statistics only with it). PostgreSQL is told not to scan: a scan of a table this small
    costs nothing, so it would take one."""
    explain = "EXPLAIN QUERY PLAN " if database.dialect == "sqlite" else "EXPLAIN "
    async with database.engine.connect() as connection:
        if analyze is not None:
            await connection.exec_driver_sql(f"ANALYZE {analyze}")
        if database.dialect == "postgresql":
            await connection.exec_driver_sql("SET enable_seqscan = off")
        plan = await connection.exec_driver_sql(explain + statement[0], statement[1])
        return [" ".join(str(column) for column in row) for row in plan.all()]
