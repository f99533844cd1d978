"""Setting and removing attributes of a participant's endpoint or user."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from herald.journeys.errors import PermanentStepError
from herald.models.journey_ops import UpdateRequest, UpdateResult
from herald.store.clock import utcnow
from herald.store.tables import EndpointRow, UserRow


async def update_attributes(session: AsyncSession, request: UpdateRequest) -> UpdateResult:
    endpoint = await session.get(EndpointRow, request.endpoint_id, with_for_update=True)
    if endpoint is None:
        raise PermanentStepError(f"endpoint {request.endpoint_id!r} does not exist")
    if request.scope == "endpoint":
        endpoint.attributes = _apply(endpoint.attributes, request)
        endpoint.updated_at = utcnow()
        return UpdateResult(changed=True)
    if endpoint.user_id is None:
        return UpdateResult(changed=False, reason="the endpoint has no user")
    user = await session.get(UserRow, endpoint.user_id, with_for_update=True)
    if user is None:
        user = UserRow(user_id=endpoint.user_id, user_attributes={}, updated_at=utcnow())
        session.add(user)
    user.user_attributes = _apply(user.user_attributes, request)
    user.updated_at = utcnow()
    return UpdateResult(changed=True)


def _apply(current: dict[str, list[str]], request: UpdateRequest) -> dict[str, list[str]]:
    # A new dict, so SQLAlchemy sees the JSON column change.
    updated = {k: v for k, v in current.items() if k not in request.remove}
    updated.update({k: list(v) for k, v in request.set.items()})
    return updated
