"""Starting a segment-entry journey's JourneyRunWorkflow (once per journey)."""

from __future__ import annotations

from temporalio.client import Client
from temporalio.common import (
    SearchAttributePair,
    TypedSearchAttributes,
    WorkflowIDConflictPolicy,
    WorkflowIDReusePolicy,
)

from herald.models.journey_run import (
    HERALD_JOURNEY,
    JOURNEY_RUN_WORKFLOW,
    PUBLISHED_SIGNAL,
    JourneyRunInput,
    journey_run_workflow_id,
)


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
