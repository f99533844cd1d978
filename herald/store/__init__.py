"""Persistence: SQLAlchemy 2 tables, repositories and Alembic migrations (SQLite, PostgreSQL).

Repositories are plain async functions taking a session, so a caller composes several of them
in one transaction with `Database.session()`.
"""

from herald.store.database import Database, make_sync_engine
from herald.store.migrate import DatabaseUnavailable, upgrade

__all__ = ["Database", "DatabaseUnavailable", "make_sync_engine", "upgrade"]
