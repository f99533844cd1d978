"""Alembic migrations: `upgrade` builds exactly the schema the models describe, idempotently."""

from __future__ import annotations

import warnings
from datetime import UTC, datetime
from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Column, Connection, inspect, select, text

from herald.store import make_sync_engine, upgrade
from herald.store.migrate import current, heads
from herald.store.tables import Base, UserRow


def _schema_diff(url: str) -> list[Any]:
    engine = make_sync_engine(url)
    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(
                connection, opts={"compare_type": True, "compare_server_default": True}
            )
            if connection.dialect.name != "sqlite":
                return list(compare_metadata(context, Base.metadata))
            # SQLite cannot reflect an index on an expression (ix_endpoints_address_lower),
            # so neither SQLAlchemy nor Alembic can compare one and both warn; such indexes
            # are checked by name instead.
            with warnings.catch_warnings():
                warnings.filterwarnings("ignore", "Skipped unsupported reflection of expression")
                warnings.filterwarnings("ignore", "autogenerate skipping metadata-specified expr")
                diff = list(compare_metadata(context, Base.metadata))
            return diff + _missing_sqlite_expression_indexes(connection)
    finally:
        engine.dispose()


def _missing_sqlite_expression_indexes(connection: Connection) -> list[Any]:
    rows = connection.execute(text("SELECT tbl_name, name FROM sqlite_master WHERE type = 'index'"))
    found = {(table, name) for table, name in rows}
    declared = {
        (table.name, index.name)
        for table in Base.metadata.tables.values()
        for index in table.indexes
        if any(not isinstance(e, Column) for e in index.expressions)
    }
    return [("missing expression index", *pair) for pair in sorted(declared - found)]


def _table_names(url: str) -> set[str]:
    engine = make_sync_engine(url)
    try:
        return set(inspect(engine).get_table_names())
    finally:
        engine.dispose()


def test_upgrade_creates_every_table(database_url: str) -> None:
    assert current(database_url) == ()
    upgrade(database_url)
    assert _table_names(database_url) == {*Base.metadata.tables, "alembic_version"}
    assert current(database_url) == heads()


def test_migrated_schema_matches_the_models(database_url: str) -> None:
    upgrade(database_url)
    assert _schema_diff(database_url) == []


def test_upgrade_twice_is_a_no_op_and_keeps_data(database_url: str) -> None:
    upgrade(database_url)
    engine = make_sync_engine(database_url)
    try:
        with engine.begin() as connection:
            connection.execute(
                Base.metadata.tables["users"]
                .insert()
                .values(
                    user_id="u-1",
                    user_attributes={"FirstName": ["Ann"]},
                    updated_at=datetime.now(UTC),
                )
            )
        upgrade(database_url)
        with engine.connect() as connection:
            users = connection.execute(select(UserRow.user_id, UserRow.user_attributes)).all()
            versions = connection.execute(text("SELECT version_num FROM alembic_version")).all()
    finally:
        engine.dispose()
    assert [tuple(u) for u in users] == [("u-1", {"FirstName": ["Ann"]})]
    assert sorted(v[0] for v in versions) == list(heads()), "a second upgrade added a revision"
    assert current(database_url) == heads()
    assert _schema_diff(database_url) == []
