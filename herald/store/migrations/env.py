"""Alembic environment: runs on the connection `herald.store.migrate` hands it."""

from __future__ import annotations

from alembic import context
from sqlalchemy import text

from herald.store.tables import Base

# An arbitrary constant: PostgreSQL advisory lock id that serialises concurrent upgrades
# (the worker and the API starting together against a fresh database).
MIGRATION_LOCK_ID = 7_262_012


def run_migrations_online() -> None:
    connection = context.config.attributes["connection"]
    if connection.dialect.name == "postgresql":
        connection.execute(text(f"SELECT pg_advisory_xact_lock({MIGRATION_LOCK_ID})"))
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()


run_migrations_online()
