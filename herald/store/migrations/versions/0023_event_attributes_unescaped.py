"""event attributes unescaped: on SQLite, event attributes written with non-ASCII characters
as `\\uXXXX` escapes are written again with the characters themselves

Revision ID: 0023
Revises: 0022

A segment's `performed ... where` reads an event attribute with json_extract, which on SQLite
matches the key as stored: `$."Größe"` missed a key stored `"Gr\\u00f6\\u00dfe"`, as Herald
wrote every key before this revision. Herald now writes SQLite's JSON without escapes; this
rewrites the events that hold one. PostgreSQL reads either spelling: nothing to do there.
Endpoint and user attributes are read from rows of their own, never with json_extract.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0023"
# After the last migration that changes events (0022).
down_revision = "0022"
branch_labels = None
depends_on = None

BATCH = 1000
# instr, not LIKE: SQLite's LIKE folds case, and `\U` is no escape. This also finds an
# escaped backslash before a `u`; such a document is written again unchanged.
ESCAPED = sa.text(
    "SELECT id, attributes FROM events WHERE id > :after AND instr(attributes, '\\u') > 0 "
    "ORDER BY id LIMIT :batch"
)
REWRITE = sa.text("UPDATE events SET attributes = :attributes WHERE id = :id")


def upgrade() -> None:
    connection = op.get_bind()
    if connection.dialect.name != "sqlite":
        return
    after = ""
    # Keyset batches by id: a rewritten row may still hold `\u` (an escaped backslash), so
    # the query cannot rely on the rows it fixed dropping out of it.
    while rows := connection.execute(ESCAPED, {"after": after, "batch": BATCH}).all():
        changed = [change for change in map(_unescaped, rows) if change is not None]
        if changed:
            connection.execute(REWRITE, changed)
        after = rows[-1].id


def _unescaped(row: Sequence[Any]) -> dict[str, str] | None:
    """The row's attributes without escapes, None when unchanged or not storable so (a lone
    surrogate is no UTF-8 text)."""
    event_id, attributes = row
    text = json.dumps(json.loads(attributes), separators=(",", ":"), ensure_ascii=False)
    try:
        text.encode()
    except UnicodeEncodeError:
        return None
    return None if text == attributes else {"id": event_id, "attributes": text}


def downgrade() -> None:
    # Escaped and unescaped documents mean the same: nothing to undo.
    pass
