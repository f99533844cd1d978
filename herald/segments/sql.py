"""SQL pieces that SQLite and PostgreSQL spell differently but must mean the same."""

from __future__ import annotations

from typing import Any, Self

from sqlalchemy import (
    JSON,
    Boolean,
    ColumnElement,
    Dialect,
    Integer,
    SQLColumnExpression,
    String,
    TypeDecorator,
    bindparam,
    func,
    literal_column,
    select,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import GenericFunction
from sqlalchemy.types import TypeEngine


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


class _TextList(TypeDecorator[list[str]]):
    """A list of strings as one parameter: an array on PostgreSQL, JSON text elsewhere."""

    impl = JSON
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        if dialect.name == "postgresql":
            return dialect.type_descriptor(ARRAY(String()))
        return dialect.type_descriptor(JSON())


class listed_in(GenericFunction[bool]):
    """`column` is one of a list of values bound as one parameter."""

    type = Boolean()
    inherit_cache = True

    def self_group(self, against: Any = None) -> Self:
        # Already a comparison in parentheses: not `(...) = 1`, as SQLite gets for a boolean
        # function, which no index serves.
        return self


@compiles(listed_in, "sqlite")
def _sqlite_listed_in(element: listed_in, compiler: Any, **kw: Any) -> str:
    column, values = (compiler.process(c, **kw) for c in element.clauses)
    return f"({column} IN (SELECT value FROM json_each({values})))"


@compiles(listed_in, "postgresql")
def _postgresql_listed_in(element: listed_in, compiler: Any, **kw: Any) -> str:
    column, values = (compiler.process(c, **kw) for c in element.clauses)
    return f"({column} = ANY({values}))"


def one_of_many(column: SQLColumnExpression[Any], values: list[str]) -> ColumnElement[bool]:
    """`column IN (values)` for a list of any length. `IN (...)` binds each value as its own
    parameter, and a statement holds at most 65,535 on PostgreSQL and 32,766 on SQLite (as
    built by default); a segment that combines static segments of 10,000 ids each would pass
    that. Both databases still look each value up in the column's index."""
    return listed_in(column, bindparam(None, values, type_=_TextList()))
