"""The one place a Worker is assembled, so tests run exactly what production runs."""

from __future__ import annotations

from temporalio.client import Client
from temporalio.worker import Worker
from temporalio.worker.workflow_sandbox import SandboxedWorkflowRunner, SandboxRestrictions

from activities import SendActivities
from activities.campaign import CampaignActivities
from activities.entry import EntryActivities
from activities.journey import JourneyActivities
from herald.channels import ChannelRegistry
from herald.store import Database
from workflows import WORKFLOWS

# Herald's models are pure and import-side-effect free: passing them through the sandbox
# avoids re-importing pydantic models per workflow run (and keeps their identity for the
# data converter).
SANDBOX = SandboxedWorkflowRunner(
    restrictions=SandboxRestrictions.default.with_passthrough_modules("herald", "pydantic")
)


def build_worker(
    client: Client,
    *,
    task_queue: str,
    database: Database,
    channels: ChannelRegistry | None = None,
    max_cached_workflows: int = 1000,
) -> Worker:
    channels = channels or ChannelRegistry.outbox_for_all(database)
    sends = SendActivities(database, channels)
    return Worker(
        client,
        task_queue=task_queue,
        workflows=WORKFLOWS,
        activities=[
            sends.send_message,
            *JourneyActivities(database).all(),
            EntryActivities(database, client, task_queue).admit_segment_page,
            *CampaignActivities(database, channels).all(),
        ],
        workflow_runner=SANDBOX,
        max_cached_workflows=max_cached_workflows,
    )
