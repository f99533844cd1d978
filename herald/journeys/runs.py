"""Starting a segment-entry journey's JourneyRunWorkflow (once per journey)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from temporalio.client import Client
from temporalio.common import (
    SearchAttributePair,
    TypedSearchAttributes,
    WorkflowIDConflictPolicy,
    WorkflowIDReusePolicy,
)

from herald.journeys.lifecycle import LifecycleError
from herald.models.journey_run import (
    HERALD_JOURNEY,
    JOURNEY_RUN_WORKFLOW,
    PUBLISHED_SIGNAL,
    JourneyRunInput,
    journey_run_workflow_id,
)
from herald.store import Database
from herald.store.journeys import get_journey, get_state


async def ensure_run(
    temporal: Client,
    journey: str,
    task_queue: str,
    page_size: int = 500,
    published: int | None = None,
) -> str:
    """Start the journey's run unless one is running (it reads the latest version on every
    page, so it needs no restart); `published`: the version just published, which a run
    already waiting wakes to read. Returns the workflow id."""
    workflow_id = journey_run_workflow_id(journey)
    handle = await temporal.start_workflow(
        JOURNEY_RUN_WORKFLOW,
        JourneyRunInput(journey=journey, page_size=page_size),
        id=workflow_id,
        task_queue=task_queue,
        id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING,
        id_reuse_policy=WorkflowIDReusePolicy.ALLOW_DUPLICATE,
        search_attributes=TypedSearchAttributes([SearchAttributePair(HERALD_JOURNEY, journey)]),
        static_summary=f"segment entry of journey {journey}",
    )
    if published is not None:
        # A run already waiting (for its start, or to walk again) wakes to read the version
        # just published: an earlier start or a shorter refresh applies now, not after the old
        # wait. A run that read it already (just started) ignores it.
        await handle.signal(PUBLISHED_SIGNAL, published)
    return workflow_id


async def start_walk(
    temporal: Callable[[], Awaitable[Client]], database: Database, journey: str, task_queue: str
) -> str:
    """`herald journeys start`: start (or find running) the segment walk of a published
    journey, paged as its entry says. Returns the workflow id."""
    async with database.session() as session:
        state = await get_state(session, journey)
        published = await get_journey(session, journey)
    if state == "DRAFT":
        # A walk of a draft would find it admitting no one and ask again at once.
        raise LifecycleError(
            f"journey {journey!r} is a DRAFT: `herald journeys activate {journey}` "
            "activates it and starts its segment entry"
        )
    segment = published.journey.settings.entry.segment if published else None
    if segment is None:
        return await ensure_run(await temporal(), journey, task_queue)
    return await ensure_run(await temporal(), journey, task_queue, segment.page_size)
