"""Database URLs as users write them, turned into the drivers Herald uses.

Users write `sqlite:///file.db` or `postgresql://user@host/db`; Herald runs aiosqlite and
psycopg 3 (async) for the app, and the plain sync drivers for Alembic.
"""

from __future__ import annotations

import re
from pathlib import Path

from sqlalchemy.engine import URL, make_url

ALLOWED = "sqlite:///PATH, postgresql://USER[:PASSWORD]@HOST[:PORT]/DB"
# `[scheme://]user:PASSWORD@`, up to the last `@`: a password may itself hold `@` or `:`.
PASSWORD = re.compile(r"^((?:[^:/?#]+://)?[^:/@]*:).*@")


class DatabaseUrlError(ValueError):
    pass


def masked(url: str) -> str:
    """`url` fit to print: its password as `***`, even when the URL does not parse (errors
    and logs reach terminals and `docker logs`)."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:
        return PASSWORD.sub(r"\1***@", url, count=1)


def _parse(url: str) -> URL:
    try:
        parsed = make_url(url)
    except Exception:
        # Not chained: the parser's message may quote part of the password (a bad port).
        raise DatabaseUrlError(
            f"HERALD_DATABASE_URL {masked(url)!r} is not a URL; use {ALLOWED}"
        ) from None
    backend = parsed.get_backend_name()
    if backend == "postgres":
        parsed = parsed.set(drivername="postgresql")
    elif backend not in ("sqlite", "postgresql"):
        raise DatabaseUrlError(
            f"HERALD_DATABASE_URL uses {backend!r}; allowed: sqlite, postgresql ({ALLOWED})"
        )
    return parsed


def async_url(url: str) -> URL:
    parsed = _parse(url)
    if parsed.get_backend_name() == "sqlite":
        return parsed.set(drivername="sqlite+aiosqlite")
    return parsed.set(drivername="postgresql+psycopg")


def sync_url(url: str) -> URL:
    parsed = _parse(url)
    if parsed.get_backend_name() == "sqlite":
        return parsed.set(drivername="sqlite")
    return parsed.set(drivername="postgresql+psycopg")


def ensure_sqlite_dir(url: str) -> None:
    """Create the directory of a SQLite file, so a fresh checkout needs no setup step."""
    parsed = _parse(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        Path(parsed.database).expanduser().parent.mkdir(parents=True, exist_ok=True)
