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
    JourneyRunInput,
    journey_run_workflow_id,
)


async def ensure_run(temporal: Client, journey: str, task_queue: str, page_size: int = 500) -> str:
    """Start the journey's run unless one is running (it reads the latest version on every
    page, so a newly published version needs no restart). Returns the workflow id."""
    workflow_id = journey_run_workflow_id(journey)
    await temporal.start_workflow(
        JOURNEY_RUN_WORKFLOW,
        JourneyRunInput(journey=journey, page_size=page_size),
        id=workflow_id,
        task_queue=task_queue,
        id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING,
        id_reuse_policy=WorkflowIDReusePolicy.ALLOW_DUPLICATE,
        search_attributes=TypedSearchAttributes([SearchAttributePair(HERALD_JOURNEY, journey)]),
        static_summary=f"segment entry of journey {journey}",
    )
    return workflow_id
