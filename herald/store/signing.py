"""Secrets Herald makes for itself, made once and shared by every process via the database."""

from __future__ import annotations

import secrets

from sqlalchemy.ext.asyncio import AsyncSession

from herald.store.clock import utcnow
from herald.store.dialect import insert_for
from herald.store.twoway_tables import SigningSecretRow


async def signing_secret(session: AsyncSession, name: str) -> str:
    """The secret called `name`; the first process to ask makes it (racing ones agree)."""
    stmt = insert_for(session, SigningSecretRow).values(
        name=name, secret=secrets.token_urlsafe(48), created_at=utcnow()
    )
    await session.execute(stmt.on_conflict_do_nothing(index_elements=["name"]))
    row = await session.get(SigningSecretRow, name)
    assert row is not None
    return row.secret
