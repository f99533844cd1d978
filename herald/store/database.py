"""Engines, sessions and migrations for one database URL."""

from __future__ import annotations

import asyncio
import json
import sqlite3
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any, TypeVar, cast
from weakref import WeakKeyDictionary

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from herald.store.bulk import json_text
from herald.store.urls import async_url, ensure_sqlite_dir, sync_url

SQLITE_BUSY_TIMEOUT_MS = 30_000
T = TypeVar("T")


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # WAL lets the worker, the API and the CLI read while one of them writes; the busy
    # timeout makes a concurrent writer wait instead of failing with "database is locked".
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.close()


def _postgresql_utc(dbapi_connection: Any, _record: Any) -> None:
    # Days are UTC days (metrics by day, windows from midnight UTC): date() of a timestamptz
    # takes the session's zone, which is the server's unless set, often the host's own.
    # Committed, or the pool's reset would roll the SET back.
    cursor = dbapi_connection.cursor()
    cursor.execute("SET TIME ZONE 'UTC'")
    cursor.close()
    dbapi_connection.commit()


def _configure(engine: Engine) -> None:
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    elif engine.dialect.name == "postgresql":
        event.listen(engine, "connect", _postgresql_utc)


def _sqlite_manual_transactions(dbapi_connection: Any, _record: Any) -> None:
    # Take transactions into our own hands (the driver would BEGIN lazily, DEFERRED)...
    dbapi_connection.isolation_level = None


def _begin_immediate(connection: Any) -> None:
    # ...and BEGIN IMMEDIATE: a DEFERRED transaction that reads and then writes fails at
    # once with "database is locked" if another writer committed in between (the busy
    # timeout does not apply to that upgrade). Taking the write lock up front makes
    # concurrent writers queue on the busy timeout instead.
    connection.exec_driver_sql("BEGIN IMMEDIATE")


def _serialise_sqlite_writers(engine: Engine) -> None:
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_manual_transactions)
        event.listen(engine, "begin", _begin_immediate)


def _sqlite_json(value: Any) -> str:
    """JSON with non-ASCII characters as they are: SQLite's json_extract matches a key as
    stored, so `$."Größe"` would miss a key written `"Gr\\u00f6\\u00dfe"` (PostgreSQL reads
    either). A lone surrogate cannot be stored as UTF-8 text, so such a document keeps its
    escapes."""
    text = json_text(value)
    try:
        text.encode()
    except UnicodeEncodeError:
        return json.dumps(value)
    return text


def _engine_options(url: str) -> dict[str, Any]:
    return {"json_serializer": _sqlite_json} if url.startswith("sqlite") else {}


def make_sync_engine(url: str) -> Engine:
    ensure_sqlite_dir(url)
    engine = create_engine(sync_url(url), pool_pre_ping=True, **_engine_options(url))
    _configure(engine)
    return engine


def _in_transaction(connection: sqlite3.Connection, work: Callable[[sqlite3.Connection], T]) -> T:
    connection.execute("BEGIN IMMEDIATE")
    try:
        result = work(connection)
    except BaseException:
        connection.execute("ROLLBACK")
        raise
    connection.execute("COMMIT")
    return result


class Database:
    """One async engine and its session factory. Create once per process."""

    def __init__(self, url: str) -> None:
        ensure_sqlite_dir(url)
        self.url = url
        sqlite = url.startswith("sqlite")
        # A file has no server to drop idle connections, so no ping per checkout.
        self.engine: AsyncEngine = create_async_engine(
            async_url(url), pool_pre_ping=not sqlite, **_engine_options(url)
        )
        _configure(self.engine.sync_engine)
        _serialise_sqlite_writers(self.engine.sync_engine)
        self._sessions = async_sessionmaker(self.engine, expire_on_commit=False)
        # SQLite takes one writer at a time, and a writer that finds the lock taken sleeps in
        # growing steps (up to 100 ms) before it looks again. Queueing this process's
        # transactions on an asyncio lock hands the lock over at once instead; the busy
        # timeout still arbitrates between processes (worker, API, CLI).
        self._turns: WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Lock] | None = (
            WeakKeyDictionary() if sqlite else None
        )

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @asynccontextmanager
    async def session(self) -> AsyncIterator[AsyncSession]:
        """A session in one transaction: committed on success, rolled back on error."""
        if self._turns is None:
            async with self._sessions() as session, session.begin():
                yield session
            return
        async with self._turn(self._turns), self._sessions() as session, session.begin():
            yield session

    async def sqlite_transaction(self, work: Callable[[sqlite3.Connection], T]) -> T:
        """Run `work` in one transaction (BEGIN IMMEDIATE ... COMMIT, or ROLLBACK when it
        raises) on a pooled SQLite connection, on the thread that owns that connection, in
        this process's turn to write. Through a session every statement, BEGIN and COMMIT too,
        is a hand-over between the event loop and that thread, each waiting for the loop's next
        look; this is one hand-over however many statements `work` runs. Cancelled, it still
        finishes (and commits) what it started."""
        if self._turns is None:
            raise ValueError(f"{self.dialect} is not SQLite")
        async with self._turn(self._turns), self.engine.connect() as connection:
            raw = await connection.get_raw_connection()
            driver: Any = raw.driver_connection  # aiosqlite's Connection
            # aiosqlite runs each call on the connection's thread through this queue;
            # SQLAlchemy's adapter uses it the same way for what aiosqlite has no call for.
            return cast(T, await driver._execute(_in_transaction, driver._conn, work))

    @staticmethod
    def _turn(turns: WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Lock]) -> asyncio.Lock:
        loop = asyncio.get_running_loop()
        return turns.get(loop) or turns.setdefault(loop, asyncio.Lock())

    async def dispose(self) -> None:
        await self.engine.dispose()
