"""A journey's metrics: entries, the funnel of its steps, exits by reason, sends by day."""

from __future__ import annotations

from sqlalchemy import case, func, literal, select
from sqlalchemy.ext.asyncio import AsyncSession

from herald.metrics.engagement import engaged_messages, kinds
from herald.metrics.models import DayMetrics, JourneyMetrics, MetricsNotFound, StepMetrics
from herald.models.journey_progress import DELETED
from herald.store.analytics_tables import JourneyExitRow, JourneyStepVisitRow
from herald.store.tables import JourneyEntryRow, JourneyRow, JourneyVersionRow, MessageRow


async def journey_metrics(session: AsyncSession, journey: str) -> JourneyMetrics:
    if await session.get(JourneyRow, journey) is None:
        raise MetricsNotFound(f"journey {journey!r} does not exist; `herald apply` it first")
    entered = await _count(session, JourneyEntryRow, JourneyEntryRow.journey == journey)
    # A deleted participant's reason names it ("deleted: endpoint 'x' does not exist"):
    # counted under one reason, not a row per person.
    reason = case(
        (JourneyExitRow.reason.startswith(DELETED), literal(DELETED.rstrip(":"))),
        else_=JourneyExitRow.reason,
    )
    exits = dict(
        (why, int(n))
        for why, n in await session.execute(
            select(reason, func.count()).where(JourneyExitRow.journey == journey).group_by(reason)
        )
    )
    steps = await _steps(session, journey)
    return JourneyMetrics(
        journey=journey,
        entered=entered,
        active=max(entered - sum(exits.values()), 0),
        completed=exits.get("completed", 0),
        exited=exits,
        steps=steps,
        by_day=await by_day(session, MessageRow.journey == journey),
    )


async def _count(session: AsyncSession, table: type, *where: object) -> int:
    found = await session.execute(select(func.count()).select_from(table).where(*where))  # type: ignore[arg-type]
    return int(found.scalar_one())


async def _steps(session: AsyncSession, journey: str) -> list[StepMetrics]:
    steps = {s: StepMetrics(step_id=s) for s in await _step_order(session, journey)}

    def step(step_id: str) -> StepMetrics:
        return steps.setdefault(step_id, StepMetrics(step_id=step_id))

    reached = select(
        JourneyStepVisitRow.step_id, func.count(func.distinct(JourneyStepVisitRow.workflow_id))
    ).where(JourneyStepVisitRow.journey == journey)
    for step_id, n in await session.execute(reached.group_by(JourneyStepVisitRow.step_id)):
        step(step_id).reached = int(n)
    for step_id, n in await session.execute(_here_now(journey)):
        step(step_id).here_now = int(n)
    messages = select(MessageRow.idempotency_key).where(MessageRow.journey == journey)
    engaged = await engaged_messages(session, messages)
    sent_keys: dict[str, list[str]] = {}
    statuses = select(MessageRow.step_id, MessageRow.status, MessageRow.idempotency_key).where(
        MessageRow.journey == journey
    )
    for sent_step, status, key in await session.execute(statuses):
        metrics = step(sent_step or "")
        if status == "SENT":
            metrics.sent += 1
            sent_keys.setdefault(sent_step or "", []).append(key)
        elif status in ("FAILED", "SKIPPED"):
            metrics.add(status.lower())
    for step_id, keys in sent_keys.items():
        for kind, n in kinds(engaged, keys).items():
            step(step_id).add(kind, n)
    return list(steps.values())


def _here_now(journey: str):  # type: ignore[no-untyped-def]
    """Participants still in the journey, by the last step they reached."""
    last = (
        select(
            JourneyStepVisitRow.workflow_id,
            func.max(JourneyStepVisitRow.visit_n).label("visit_n"),
        )
        .where(JourneyStepVisitRow.journey == journey)
        .where(JourneyStepVisitRow.workflow_id.not_in(select(JourneyExitRow.workflow_id)))
        .group_by(JourneyStepVisitRow.workflow_id)
        .subquery()
    )
    return (
        select(JourneyStepVisitRow.step_id, func.count())
        .join(
            last,
            (last.c.workflow_id == JourneyStepVisitRow.workflow_id)
            & (last.c.visit_n == JourneyStepVisitRow.visit_n),
        )
        .group_by(JourneyStepVisitRow.step_id)
    )


async def _step_order(session: AsyncSession, journey: str) -> list[str]:
    """The latest version's steps in definition order, so a funnel reads top to bottom."""
    found = await session.execute(
        select(JourneyVersionRow.definition)
        .where(JourneyVersionRow.name == journey)
        .order_by(JourneyVersionRow.version.desc())
        .limit(1)
    )
    definition = found.scalar_one_or_none() or {}
    return list(definition.get("steps", {}))


async def by_day(session: AsyncSession, *where: object) -> list[DayMetrics]:
    """Messages sent per day and channel, with their engagement (counted on the send day)."""
    day = func.date(MessageRow.created_at)
    query = (
        select(day, MessageRow.channel, MessageRow.idempotency_key)
        .where(MessageRow.status == "SENT")
        .where(*where)  # type: ignore[arg-type]
    )
    rows = list(await session.execute(query))
    engaged = await engaged_messages(
        session,
        select(MessageRow.idempotency_key).where(*where),  # type: ignore[arg-type]
    )
    groups: dict[tuple[str, str], list[str]] = {}
    for sent_on, channel, key in rows:
        groups.setdefault((str(sent_on), channel), []).append(key)
    days = []
    for (sent_on, channel), keys in sorted(groups.items()):
        metrics = DayMetrics(day=sent_on, channel=channel, sent=len(keys))
        for kind, n in kinds(engaged, keys).items():
            metrics.add(kind, n)
        days.append(metrics)
    return days
