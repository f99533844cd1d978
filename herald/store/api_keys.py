"""API keys in the database: create, list, revoke, and check one a request presents."""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from herald.auth.keys import ApiKey, NewApiKey, Scope, matches, new_secret, split_key
from herald.store.clock import utcnow
from herald.store.twoway_tables import ApiKeyRow


async def create_key(session: AsyncSession, name: str, scope: Scope) -> NewApiKey:
    key_id, key, secret_hash = new_secret()
    row = ApiKeyRow(
        id=key_id, name=name, scope=scope.value, secret_hash=secret_hash, created_at=utcnow()
    )
    session.add(row)
    await session.flush()
    return NewApiKey(key=key, **_to_model(row).model_dump())


async def list_keys(session: AsyncSession) -> list[ApiKey]:
    rows = await session.execute(select(ApiKeyRow).order_by(ApiKeyRow.created_at, ApiKeyRow.id))
    return [_to_model(r) for r in rows.scalars()]


async def revoke_key(session: AsyncSession, key_id: str) -> bool:
    """Revoke by id (or by the whole key); False if no live key has it."""
    parts = split_key(key_id)
    wanted = parts[0] if parts else key_id
    result = await session.execute(
        update(ApiKeyRow)
        .where(ApiKeyRow.id == wanted, ApiKeyRow.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )
    return bool(getattr(result, "rowcount", 0))


async def check_key(session: AsyncSession, key: str) -> ApiKey | None:
    """The live key `key` is, or None (malformed, unknown, wrong secret, revoked)."""
    parts = split_key(key)
    if parts is None:
        return None
    row = await session.get(ApiKeyRow, parts[0])
    if row is None or row.revoked_at is not None or not matches(parts[1], row.secret_hash):
        return None
    return _to_model(row)


def _to_model(row: ApiKeyRow) -> ApiKey:
    return ApiKey(
        id=row.id,
        name=row.name,
        scope=Scope(row.scope),
        created_at=row.created_at,
        revoked_at=row.revoked_at,
    )
