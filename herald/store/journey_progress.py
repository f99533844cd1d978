"""Journey progress: the steps each participant reached and how they left. Written once per
visit and exit (a retried report finds its rows), read by the journey metrics."""

from __future__ import annotations

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from herald.models.journey_progress import CANCELLED, DELETED, HeldSend, JourneyProgress
from herald.models.send import user_endpoint_key
from herald.store.analytics_tables import JourneyExitRow, JourneyStepVisitRow
from herald.store.dialect import insert_for
from herald.store.endpoints import list_user_endpoints
from herald.store.messages import skip_pending


async def told_exits(session: AsyncSession, journey: str) -> dict[str, str]:
    """How the journey's participants that a cancel stopped, or whose endpoint was deleted,
    left ("cancelled", "deleted"), by workflow id. Their workflows end COMPLETED (they obey
    the cancel, and let a deleted participant go), so only the recorded exit tells."""
    kinds = {CANCELLED: "cancelled", DELETED: "deleted"}
    rows = await session.execute(
        select(JourneyExitRow.workflow_id, JourneyExitRow.reason).where(
            JourneyExitRow.journey == journey,
            or_(*(JourneyExitRow.reason.startswith(prefix) for prefix in kinds)),
        )
    )
    return {
        workflow_id: next(kind for prefix, kind in kinds.items() if reason.startswith(prefix))
        for workflow_id, reason in rows.all()
    }


async def record_progress(session: AsyncSession, progress: JourneyProgress) -> None:
    for held in progress.released:
        await _release(session, held)
    if reached := progress.visits():
        visits = [
            {
                "workflow_id": progress.workflow_id,
                "visit_n": visit.visit_n,
                "journey": progress.journey,
                "step_id": visit.step_id,
                "entered_at": visit.at,
            }
            for visit in reached
        ]
        stmt = insert_for(session, JourneyStepVisitRow).values(visits)
        await session.execute(
            stmt.on_conflict_do_nothing(index_elements=["workflow_id", "visit_n"])
        )
    if progress.exit is not None:
        stmt = insert_for(session, JourneyExitRow).values(
            workflow_id=progress.workflow_id,
            journey=progress.journey,
            exit_step=progress.exit.step_id,
            reason=progress.exit.reason[:200],
            exited_at=progress.exit.at,
        )
        await session.execute(stmt.on_conflict_do_nothing(index_elements=["workflow_id"]))


async def _release(session: AsyncSession, held: HeldSend) -> None:
    """A user participant's send claimed one key per endpoint; its endpoints are read now, as
    the send read them (an endpoint added since was never claimed, and matches nothing)."""
    keys = [held.idempotency_key]
    if held.user_id is not None:
        endpoints = await list_user_endpoints(session, held.user_id)
        keys += [user_endpoint_key(held.idempotency_key, e.id) for e in endpoints]
    await skip_pending(session, keys, held.reason)
