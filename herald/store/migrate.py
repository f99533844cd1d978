"""Apply Alembic migrations programmatically (`herald db upgrade`, and at every start)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, Engine
from sqlalchemy.exc import OperationalError

from herald.store.database import make_sync_engine
from herald.store.urls import masked

MIGRATIONS = Path(__file__).parent / "migrations"


class DatabaseUnavailable(Exception):
    """The database could not be connected to (down, not up yet, refused the login)."""


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def upgrade(url: str, revision: str = "heads") -> None:
    """Bring the database at `url` up to `revision`. Safe to run from several processes.

    "heads": rooms may add migrations on parallel branches from the same parent; every
    branch applies, and a merge revision joins them when convenient.
    """
    engine = make_sync_engine(url)
    try:
        with _connect(engine, url) as connection, connection.begin():
            config = alembic_config()
            config.attributes["connection"] = connection
            command.upgrade(config, revision)
    finally:
        engine.dispose()


def _connect(engine: Engine, url: str) -> Connection:
    """A connection, or DatabaseUnavailable naming the URL (password masked) and the variable;
    an OperationalError once connected is a migration's own and stays as it is."""
    try:
        return engine.connect()
    except OperationalError as exc:
        # The driver's first line says why (refused, unknown host, login); never the password.
        reason = str(exc.orig or exc).strip().splitlines()[0]
        raise DatabaseUnavailable(
            f"cannot connect to the database at {masked(url)}: {reason}; start it, "
            "or fix HERALD_DATABASE_URL"
        ) from None


def current(url: str) -> tuple[str, ...]:
    """The revisions the database is at (one per branch head), sorted; empty when none."""
    from alembic.runtime.migration import MigrationContext

    engine = make_sync_engine(url)
    try:
        with engine.connect() as connection:
            return tuple(sorted(MigrationContext.configure(connection).get_current_heads()))
    finally:
        engine.dispose()


def heads() -> tuple[str, ...]:
    """The newest revisions the code knows."""
    from alembic.script import ScriptDirectory

    return tuple(sorted(ScriptDirectory.from_config(alembic_config()).get_heads()))
