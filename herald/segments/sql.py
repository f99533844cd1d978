"""SQL pieces that SQLite and PostgreSQL spell differently but must mean the same."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Integer, SQLColumnExpression, func, literal_column, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import GenericFunction


class substring_position(GenericFunction[int]):
    """1-based position of `needle` in `haystack`, 0 when absent; case-sensitive on both
    databases (LIKE is not: SQLite folds ASCII case)."""

    type = Integer()
    inherit_cache = True


@compiles(substring_position, "sqlite")
def _sqlite_position(element: substring_position, compiler: Any, **kw: Any) -> str:
    return f"instr({compiler.process(element.clauses, **kw)})"


@compiles(substring_position, "postgresql")
def _postgresql_position(element: substring_position, compiler: Any, **kw: Any) -> str:
    return f"strpos({compiler.process(element.clauses, **kw)})"


def contains(haystack: SQLColumnExpression[str], needle: str) -> ColumnElement[bool]:
    return substring_position(haystack, needle) > 0


def probe(*conditions: ColumnElement[bool]) -> ColumnElement[bool]:
    """EXISTS (SELECT 1 ... WHERE conditions). Not `SELECT *`: SQLite then needs every column
    and passes over a covering index (endpoint_id first) for the table's own key."""
    return select(literal_column("1")).where(*conditions).exists()


def starts_with(column: SQLColumnExpression[str], prefix: str) -> ColumnElement[bool]:
    """Case-sensitive prefix test (LIKE folds case on SQLite and treats `_` as a wildcard)."""
    return func.substr(column, 1, len(prefix)) == prefix
