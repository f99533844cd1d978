"""Accepted requests by id: the first acceptance of an id wins; results are kept with it."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession

from herald.models.transactional import (
    MessagePlan,
    MessageResponse,
    RecipientResult,
    RequestState,
)
from herald.store.clock import aware, utcnow
from herald.store.dialect import insert_for
from herald.store.transactional_tables import MessageRequestRow


async def claim_request(session: AsyncSession, plan: MessagePlan) -> tuple[MessagePlan, bool]:
    """Keep `plan` under its request id, or find the plan kept first. True when new."""
    stmt = insert_for(session, MessageRequestRow).values(
        request_id=plan.request_id,
        plan=plan.model_dump(mode="json"),
        results=None,
        accepted_at=utcnow(),
        completed_at=None,
    )
    inserted = await session.execute(stmt.on_conflict_do_nothing(index_elements=["request_id"]))
    row = await session.get(MessageRequestRow, plan.request_id)
    assert row is not None
    return MessagePlan.model_validate(row.plan), bool(inserted.rowcount)  # type: ignore[attr-defined]


async def release_request(session: AsyncSession, request_id: str) -> None:
    """Forget a claim whose workflow could not be started: nothing was sent, and the caller
    was told so, so a retry under the id is a new request rather than a repeat of nothing."""
    await session.execute(
        delete(MessageRequestRow).where(
            MessageRequestRow.request_id == request_id,
            MessageRequestRow.completed_at.is_(None),
        )
    )


async def get_request(session: AsyncSession, request_id: str) -> MessageResponse | None:
    row = await session.get(MessageRequestRow, request_id)
    if row is None:
        return None
    state = RequestState.PENDING if row.results is None else RequestState.COMPLETE
    results = [RecipientResult.model_validate(r) for r in row.results or []]
    return MessageResponse(
        request_id=request_id, state=state, results=results, accepted_at=aware(row.accepted_at)
    )


async def record_results(
    session: AsyncSession, request_id: str, results: Sequence[RecipientResult]
) -> None:
    row = await session.get(MessageRequestRow, request_id)
    if row is None:
        raise LookupError(f"no message request {request_id!r}")
    row.results = [r.model_dump(mode="json") for r in results]
    row.completed_at = utcnow()
    await session.flush()
