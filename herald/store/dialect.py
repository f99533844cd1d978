"""Dialect-specific INSERT for upserts: SQLite and PostgreSQL share ON CONFLICT semantics."""

from __future__ import annotations

from typing import Any

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession


def insert_for(session: AsyncSession, table: Any) -> Any:
    """An INSERT with `.on_conflict_do_nothing()` / `.on_conflict_do_update()` for this dialect.

    A mapped class is inserted into as its table: the ORM's bulk-insert path costs about as
    much CPU again as the statement itself, and nothing here needs ORM objects back."""
    table = getattr(table, "__table__", table)
    if session.get_bind().dialect.name == "postgresql":
        return postgresql.insert(table)
    return sqlite.insert(table)
