"""Users: attributes shared by every endpoint of one user id, merged on each upsert.

A user lasts as long as some endpoint has its id: the write that moves a user's last
endpoint to another user (or deletes it) deletes the user's rows too, so a later endpoint
with that id starts without the old attributes.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import delete, exists, select
from sqlalchemy.ext.asyncio import AsyncSession

from herald.models import EndpointUser, User
from herald.store.bulk import insert_tuples, json_text, stamp_for
from herald.store.clock import utcnow
from herald.store.endpoint_rows import USER_ATTRIBUTE_COLUMNS, UserValues, user_attribute_rows
from herald.store.tables import EndpointRow, UserAttributeRow, UserRow

# Bound parameters per IN (...): far below SQLite's and PostgreSQL's limits.
CHUNK = 500
USER_COLUMNS = ("user_id", "user_attributes", "updated_at")
USER_UPDATE = ("user_attributes", "updated_at")
USER_ATTRIBUTE_KEY = ("user_id", "name", "value")


async def merge_users(session: AsyncSession, users: Iterable[EndpointUser | UserValues]) -> int:
    """Create users that are new and merge attributes into the others (a later value of an
    attribute replaces the earlier one; attributes not mentioned are kept). Returns how many
    users changed."""
    incoming = incoming_attributes(users)
    if not incoming:
        return 0
    stored = await _stored_attributes(session, list(incoming))
    changed = changed_users(incoming, stored)
    await _write(session, changed, utcnow(), existing=stored.keys())
    return len(changed)


Attributes = dict[str, list[str]]


def incoming_attributes(users: Iterable[EndpointUser | UserValues]) -> dict[str, Attributes]:
    """Each user id's attributes as given, a later value of an attribute replacing one before."""
    incoming: dict[str, Attributes] = {}
    for user in users:
        if user.user_id:
            incoming.setdefault(user.user_id, {}).update(user.user_attributes)
    return incoming


def changed_users(
    incoming: dict[str, Attributes], stored: dict[str, Attributes]
) -> dict[str, Attributes]:
    """The users that are new or whose merged attributes differ from the stored ones, merged."""
    return {
        user_id: {**stored.get(user_id, {}), **attributes}
        for user_id, attributes in incoming.items()
        if user_id not in stored or {**stored[user_id], **attributes} != stored[user_id]
    }


def user_rows(users: dict[str, Attributes], updated_at: Any) -> list[tuple[Any, ...]]:
    """`users` rows (USER_COLUMNS) in the driver's form."""
    return [(user_id, json_text(attributes), updated_at) for user_id, attributes in users.items()]


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
    session: AsyncSession,
    users: dict[str, dict[str, list[str]]],
    now: datetime,
    *,
    existing: Collection[str],
) -> None:
    """Write users' rows. Only the `existing` ones can have attribute rows to replace: those
    are written with the user's row and deleted with it."""
    if not users:
        return
    stamp = stamp_for(session.get_bind().dialect.name)
    updated_at = stamp(now)
    rows = user_rows(users, updated_at)
    await insert_tuples(
        session, "users", USER_COLUMNS, rows, conflict=["user_id"], update=USER_UPDATE
    )
    ids = [user_id for user_id in users if user_id in existing]
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        await session.execute(delete(UserAttributeRow).where(UserAttributeRow.user_id.in_(chunk)))
    values = [row for i, attrs in users.items() for row in user_attribute_rows(i, attrs, stamp)]
    await insert_tuples(
        session, "user_attributes", USER_ATTRIBUTE_COLUMNS, values, conflict=USER_ATTRIBUTE_KEY
    )


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


async def delete_users_without_endpoints(session: AsyncSession, user_ids: Iterable[str]) -> None:
    """Delete the rows of the users among `user_ids` that no endpoint has any more (the ones
    a write just moved or deleted endpoints away from)."""
    wanted = list(dict.fromkeys(user_ids))
    for start in range(0, len(wanted), CHUNK):
        chunk = wanted[start : start + CHUNK]
        for table in (UserAttributeRow, UserRow):
            has_endpoint = exists().where(EndpointRow.user_id == table.user_id)
            await session.execute(delete(table).where(table.user_id.in_(chunk), ~has_endpoint))


async def replace_user_attributes(
    session: AsyncSession, user_id: str, attributes: dict[str, list[str]]
) -> None:
    """Set a user's attributes to exactly `attributes` (a journey's update step removes some)."""
    await _write(session, {user_id: attributes}, utcnow(), existing={user_id})
