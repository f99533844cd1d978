"""Setting and removing attributes of a participant's endpoints or user.

Written through the endpoint and user stores, so the rows segments read change with the
attributes and a split on segment membership right after an update sees it.
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from herald.journeys.participants import load_participant
from herald.models.journey_ops import UpdateRequest, UpdateResult
from herald.store.endpoints import write_endpoints
from herald.store.users import get_user, replace_user_attributes


async def update_attributes(session: AsyncSession, request: UpdateRequest) -> UpdateResult:
    participant = await load_participant(session, request.participant, request.endpoint_id)
    if request.scope == "endpoint":
        updated = [
            e.model_copy(update={"attributes": _apply(e.attributes, request)})
            for e in participant.endpoints
        ]
        await write_endpoints(session, updated)
        return UpdateResult(changed=True)
    first = participant.endpoints[0]
    user_id = participant.id if participant.kind == "user" else first.user_id
    if not user_id:
        return UpdateResult(changed=False, reason="the endpoint has no user")
    user = await get_user(session, user_id)
    current = dict(user.user_attributes) if user else {}
    await replace_user_attributes(session, user_id, _apply(current, request))
    return UpdateResult(changed=True)


def _apply(current: dict[str, list[str]], request: UpdateRequest) -> dict[str, list[str]]:
    updated = {k: v for k, v in current.items() if k not in request.remove}
    updated.update({k: list(v) for k, v in request.set.items()})
    return updated
