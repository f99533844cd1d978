"""Journey progress: the steps each participant reached and how they left. Written once per
visit and exit (a retried report finds its rows), read by the journey metrics."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from herald.models.journey_progress import JourneyProgress
from herald.store.analytics_tables import JourneyExitRow, JourneyStepVisitRow
from herald.store.dialect import insert_for


async def record_progress(session: AsyncSession, progress: JourneyProgress) -> None:
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
