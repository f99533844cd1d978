"""Endpoints and users: upsert, load."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from herald.models import Endpoint, EndpointUser
from herald.store.clock import aware, utcnow
from herald.store.dialect import insert_for
from herald.store.tables import EndpointRow, UserRow


async def upsert_endpoints(session: AsyncSession, endpoints: Sequence[Endpoint]) -> int:
    """Insert or replace endpoints (and merge their users' attributes). Returns the count."""
    now = utcnow()
    for endpoint in endpoints:
        values = {
            "id": endpoint.id,
            "channel_type": endpoint.channel_type.value,
            "address": endpoint.address,
            "user_id": endpoint.user_id,
            "attributes": endpoint.attributes,
            "demographic": endpoint.demographic.model_dump(mode="json", exclude_none=True),
            "location": endpoint.location.model_dump(mode="json", exclude_none=True),
            "metrics": endpoint.metrics,
            "opt_out": endpoint.opt_out,
            "endpoint_status": endpoint.endpoint_status,
            "effective_date": endpoint.effective_date,
            "created_at": now,
            "updated_at": now,
        }
        stmt = insert_for(session, EndpointRow).values(**values)
        update = {k: stmt.excluded[k] for k in values if k not in ("id", "created_at")}
        await session.execute(stmt.on_conflict_do_update(index_elements=["id"], set_=update))
        if endpoint.user and endpoint.user.user_id:
            await _merge_user(session, endpoint.user)
    return len(endpoints)


async def _merge_user(session: AsyncSession, user: EndpointUser) -> None:
    assert user.user_id is not None
    row = await session.get(UserRow, user.user_id)
    if row is None:
        session.add(
            UserRow(
                user_id=user.user_id,
                user_attributes=dict(user.user_attributes),
                updated_at=utcnow(),
            )
        )
    elif user.user_attributes:
        row.user_attributes = {**row.user_attributes, **user.user_attributes}
        row.updated_at = utcnow()
    await session.flush()


async def get_endpoint(session: AsyncSession, endpoint_id: str) -> Endpoint | None:
    row = await session.get(EndpointRow, endpoint_id)
    if row is None:
        return None
    user = None
    if row.user_id:
        user_row = await session.get(UserRow, row.user_id)
        attrs = user_row.user_attributes if user_row else {}
        user = EndpointUser(user_id=row.user_id, user_attributes=attrs)
    return _to_model(row, user)


async def list_endpoint_ids(session: AsyncSession, limit: int = 1000) -> list[str]:
    result = await session.execute(select(EndpointRow.id).order_by(EndpointRow.id).limit(limit))
    return list(result.scalars())


def _to_model(row: EndpointRow, user: EndpointUser | None) -> Endpoint:
    return Endpoint(
        id=row.id,
        channel_type=row.channel_type,
        address=row.address,
        user=user,
        attributes=row.attributes,
        demographic=row.demographic,
        location=row.location,
        metrics=row.metrics,
        opt_out=row.opt_out,
        endpoint_status=row.endpoint_status,
        effective_date=aware(row.effective_date) if row.effective_date else None,
    )
