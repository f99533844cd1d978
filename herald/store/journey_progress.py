"""Journey progress: the steps each participant reached and how they left. Written once per
visit and exit (a retried report finds its row), read by the journey metrics."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from herald.models.journey_progress import JourneyProgress
from herald.store.analytics_tables import JourneyExitRow, JourneyStepVisitRow
from herald.store.dialect import insert_for


async def record_progress(session: AsyncSession, progress: JourneyProgress) -> None:
    if progress.exit_reason is not None:
        stmt = insert_for(session, JourneyExitRow).values(
            workflow_id=progress.workflow_id,
            journey=progress.journey,
            exit_step=progress.step_id,
            reason=progress.exit_reason[:200],
            exited_at=progress.at,
        )
        await session.execute(stmt.on_conflict_do_nothing(index_elements=["workflow_id"]))
        return
    assert progress.step_id is not None and progress.visit_n is not None
    stmt = insert_for(session, JourneyStepVisitRow).values(
        workflow_id=progress.workflow_id,
        visit_n=progress.visit_n,
        journey=progress.journey,
        step_id=progress.step_id,
        entered_at=progress.at,
    )
    await session.execute(stmt.on_conflict_do_nothing(index_elements=["workflow_id", "visit_n"]))
