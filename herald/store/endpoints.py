"""Endpoints: upsert in batches, load, list by user, delete.

An upsert writes an endpoint, its segment rows (attribute values, metrics) and merges its
user, in the caller's transaction. Endpoints whose content is unchanged are not written at
all, so importing the same file twice changes nothing (not even `updated_at`). Their users
are still merged: another endpoint of the user may have changed what the users table holds
since (merging skips users whose stored attributes already hold what is given).

A statement that changes an endpoint row's content in place (an opt-out, a bounce) sets its
checksum to NULL, so the next upsert of that endpoint writes it whatever it says.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from herald.models import Endpoint
from herald.models.endpoint import STORED
from herald.store.bulk import insert_tuples, stamp_for
from herald.store.clock import utcnow
from herald.store.endpoint_rows import (
    ATTRIBUTE_COLUMNS,
    ENDPOINT_COLUMNS,
    METRIC_COLUMNS,
    PreparedEndpoint,
    Row,
    prepare,
)
from herald.store.tables import EndpointAttributeRow, EndpointMetricRow, EndpointRow, UserRow
from herald.store.users import (
    CHUNK,
    delete_user_row,
    delete_users_without_endpoints,
    merge_users,
)

_KEEP_ON_UPDATE = ("id", "created_at")
ENDPOINT_UPDATE = tuple(c for c in ENDPOINT_COLUMNS if c not in _KEEP_ON_UPDATE)
ATTRIBUTE_KEY = ("endpoint_id", "scope", "name", "value")
METRIC_KEY = ("endpoint_id", "name")


@dataclass
class WriteCounts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    def add(self, other: WriteCounts) -> None:
        self.created += other.created
        self.updated += other.updated
        self.unchanged += other.unchanged


async def upsert_endpoints(session: AsyncSession, endpoints: Sequence[Endpoint]) -> int:
    """Insert or replace endpoints (and merge their users' attributes). Returns the count."""
    await write_endpoints(session, endpoints)
    return len(endpoints)


async def write_endpoints(session: AsyncSession, endpoints: Sequence[Endpoint]) -> WriteCounts:
    """Upsert a batch: one statement per table, and nothing for endpoints that are unchanged.
    An id given twice keeps its last version."""
    stamp = stamp_for(session.get_bind().dialect.name)
    now = stamp(utcnow())
    return await write_prepared(session, [prepare(e, now, stamp) for e in endpoints])


async def write_prepared(
    session: AsyncSession, endpoints: Sequence[PreparedEndpoint]
) -> WriteCounts:
    """`write_endpoints` for endpoints already prepared (by `endpoint_rows.prepare`)."""
    latest = latest_versions(endpoints)
    stored, stored_users = await _stored(session, list(latest))
    changed, counts = changes(latest, stored)
    if changed:
        await _upsert_rows(session, [e.row for e in changed])
        await _delete_segment_rows(session, [e.id for e in changed if e.id in stored])
        await _insert_segment_rows(session, changed)
        await delete_users_without_endpoints(session, users_left(changed, stored_users))
    await merge_users(session, [e.user for e in latest.values() if e.user is not None])
    return counts


def latest_versions(endpoints: Sequence[PreparedEndpoint]) -> dict[str, PreparedEndpoint]:
    """The endpoints by id, each id's last version in its first place (an id given twice
    keeps its last version)."""
    return {e.id: e for e in endpoints}


def changes(
    latest: dict[str, PreparedEndpoint], stored: dict[str, str]
) -> tuple[list[PreparedEndpoint], WriteCounts]:
    """The endpoints whose content differs from what is `stored` (checksums by id), and the
    counts of created, updated and unchanged ones."""
    changed = [e for i, e in latest.items() if stored.get(i, "") != e.checksum]
    updated = sum(1 for e in changed if e.id in stored)
    counts = WriteCounts(
        created=len(changed) - updated, updated=updated, unchanged=len(latest) - len(changed)
    )
    return changed, counts


def users_left(
    changed: Sequence[PreparedEndpoint], stored_users: Mapping[str, str | None]
) -> set[str]:
    """The users that written endpoints belonged to and belong to no more (`stored_users`:
    the endpoints' user ids before the write): each may have been left with no endpoint."""
    return {u for e in changed if (u := stored_users.get(e.id)) is not None and u != e.user_id}


async def _stored(
    session: AsyncSession, ids: Sequence[str]
) -> tuple[dict[str, str], dict[str, str | None]]:
    """Checksums of the endpoints that exist ('' for rows written before checksums, or
    changed in place since), and their user ids."""
    checksums: dict[str, str] = {}
    users: dict[str, str | None] = {}
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        result = await session.execute(
            select(EndpointRow.id, EndpointRow.checksum, EndpointRow.user_id).where(
                EndpointRow.id.in_(chunk)
            )
        )
        for i, checksum, user_id in result:
            checksums[i], users[i] = checksum or "", user_id
    return checksums, users


async def _upsert_rows(session: AsyncSession, rows: list[Row]) -> None:
    await insert_tuples(
        session, "endpoints", ENDPOINT_COLUMNS, rows, conflict=["id"], update=ENDPOINT_UPDATE
    )


async def _insert_segment_rows(
    session: AsyncSession, endpoints: Sequence[PreparedEndpoint]
) -> None:
    values = [row for e in endpoints for row in e.attributes]
    await insert_tuples(
        session, "endpoint_attributes", ATTRIBUTE_COLUMNS, values, conflict=ATTRIBUTE_KEY
    )
    metrics = [row for e in endpoints for row in e.metrics]
    await insert_tuples(session, "endpoint_metrics", METRIC_COLUMNS, metrics, conflict=METRIC_KEY)


async def _delete_segment_rows(session: AsyncSession, ids: Sequence[str]) -> None:
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        for table in (EndpointAttributeRow, EndpointMetricRow):
            await session.execute(delete(table).where(table.endpoint_id.in_(chunk)))


async def get_endpoint(session: AsyncSession, endpoint_id: str) -> Endpoint | None:
    found = await get_endpoints(session, [endpoint_id])
    return found[0] if found else None


async def get_endpoints(session: AsyncSession, ids: Sequence[str]) -> list[Endpoint]:
    """The endpoints that exist among `ids`, in the order asked."""
    rows: dict[str, tuple[EndpointRow, dict[str, list[str]] | None]] = {}
    for start in range(0, len(ids), CHUNK):
        chunk = list(ids[start : start + CHUNK])
        result = await session.execute(
            select(EndpointRow, UserRow.user_attributes)
            .outerjoin(UserRow, UserRow.user_id == EndpointRow.user_id)
            .where(EndpointRow.id.in_(chunk))
        )
        rows.update({row.id: (row, attrs) for row, attrs in result})
    return [_to_model(*rows[i]) for i in dict.fromkeys(ids) if i in rows]


async def list_user_endpoints(session: AsyncSession, user_id: str) -> list[Endpoint]:
    """Every endpoint of a user, by id."""
    result = await session.execute(
        select(EndpointRow, UserRow.user_attributes)
        .outerjoin(UserRow, UserRow.user_id == EndpointRow.user_id)
        .where(EndpointRow.user_id == user_id)
        .order_by(EndpointRow.id)
    )
    return [_to_model(row, attrs) for row, attrs in result]


async def list_endpoint_ids(session: AsyncSession, limit: int = 1000) -> list[str]:
    result = await session.execute(select(EndpointRow.id).order_by(EndpointRow.id).limit(limit))
    return list(result.scalars())


async def delete_endpoint(session: AsyncSession, endpoint_id: str) -> bool:
    """Delete an endpoint and its segment rows, and its user's rows if it was the user's last
    endpoint; its events and messages stay as history. Returns whether it existed."""
    await _delete_segment_rows(session, [endpoint_id])
    result = await session.execute(
        delete(EndpointRow).where(EndpointRow.id == endpoint_id).returning(EndpointRow.user_id)
    )
    deleted = result.all()
    await delete_users_without_endpoints(session, [u for (u,) in deleted if u is not None])
    return bool(deleted)


async def delete_user(session: AsyncSession, user_id: str) -> list[str]:
    """Delete a user and every endpoint of theirs (Pinpoint's DeleteUserEndpoints).
    Returns the ids of the endpoints deleted."""
    result = await session.execute(select(EndpointRow.id).where(EndpointRow.user_id == user_id))
    ids = list(result.scalars())
    await _delete_segment_rows(session, ids)
    await session.execute(delete(EndpointRow).where(EndpointRow.user_id == user_id))
    await delete_user_row(session, user_id)
    return ids


def _to_model(row: EndpointRow, user_attributes: dict[str, list[str]] | None) -> Endpoint:
    user = None
    if row.user_id:
        user = {"user_id": row.user_id, "user_attributes": user_attributes or {}}
    return Endpoint.model_validate(
        {
            "id": row.id,
            "channel_type": row.channel_type,
            "address": row.address,
            "user": user,
            "attributes": row.attributes,
            "demographic": row.demographic,
            "location": row.location,
            "metrics": row.metrics,
            "opt_out": row.opt_out,
            "endpoint_status": row.endpoint_status,
            "effective_date": row.effective_date,
        },
        context=STORED,
    )
