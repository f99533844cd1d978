"""Users: attributes shared by every endpoint of one user id, merged on each upsert."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from functools import partial

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from herald.models import EndpointUser, User
from herald.store.bulk import insert_rows, insert_tuples, json_text, time_value
from herald.store.clock import utcnow
from herald.store.endpoint_rows import USER_ATTRIBUTE_COLUMNS, UserValues, user_attribute_rows
from herald.store.tables import UserAttributeRow, UserRow

# Bound parameters per IN (...): far below SQLite's and PostgreSQL's limits.
CHUNK = 500


async def merge_users(session: AsyncSession, users: Iterable[EndpointUser | UserValues]) -> int:
    """Create users that are new and merge attributes into the others (a later value of an
    attribute replaces the earlier one; attributes not mentioned are kept). Returns how many
    users changed."""
    incoming: dict[str, dict[str, list[str]]] = {}
    for user in users:
        if user.user_id:
            incoming.setdefault(user.user_id, {}).update(user.user_attributes)
    if not incoming:
        return 0
    stored = await _stored_attributes(session, list(incoming))
    changed = {
        user_id: {**stored.get(user_id, {}), **attributes}
        for user_id, attributes in incoming.items()
        if user_id not in stored or {**stored[user_id], **attributes} != stored[user_id]
    }
    await _write(session, changed, utcnow())
    return len(changed)


async def _stored_attributes(
    session: AsyncSession, user_ids: Sequence[str]
) -> dict[str, dict[str, list[str]]]:
    found: dict[str, dict[str, list[str]]] = {}
    for start in range(0, len(user_ids), CHUNK):
        chunk = user_ids[start : start + CHUNK]
        rows = await session.execute(
            select(UserRow.user_id, UserRow.user_attributes).where(UserRow.user_id.in_(chunk))
        )
        found.update({user_id: attributes for user_id, attributes in rows})
    return found


async def _write(
    session: AsyncSession, users: dict[str, dict[str, list[str]]], now: datetime
) -> None:
    if not users:
        return
    stamp = partial(time_value, session)
    rows = [
        {"user_id": user_id, "user_attributes": json_text(attributes), "updated_at": stamp(now)}
        for user_id, attributes in users.items()
    ]
    update = ["user_attributes", "updated_at"]
    await insert_rows(session, "users", rows, conflict=["user_id"], update=update)
    ids = list(users)
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        await session.execute(delete(UserAttributeRow).where(UserAttributeRow.user_id.in_(chunk)))
    values = [row for i, attrs in users.items() for row in user_attribute_rows(i, attrs, stamp)]
    key = ["user_id", "name", "value"]
    await insert_tuples(session, "user_attributes", USER_ATTRIBUTE_COLUMNS, values, conflict=key)


async def get_user(session: AsyncSession, user_id: str) -> User | None:
    row = await session.get(UserRow, user_id)
    if row is None:
        return None
    return User.model_validate(
        {"user_id": row.user_id, "user_attributes": row.user_attributes},
        context={"stored": True},
    )


async def delete_user_row(session: AsyncSession, user_id: str) -> bool:
    await session.execute(delete(UserAttributeRow).where(UserAttributeRow.user_id == user_id))
    result = await session.execute(delete(UserRow).where(UserRow.user_id == user_id))
    return bool(getattr(result, "rowcount", 0))


async def replace_user_attributes(
    session: AsyncSession, user_id: str, attributes: dict[str, list[str]]
) -> None:
    """Set a user's attributes to exactly `attributes` (a journey's update step removes some)."""
    await _write(session, {user_id: attributes}, utcnow())
