"""The one place a Worker is assembled, so tests run exactly what production runs."""

from __future__ import annotations

from datetime import timedelta

from pydantic import SecretStr
from temporalio.client import Client
from temporalio.worker import Worker
from temporalio.worker.workflow_sandbox import SandboxedWorkflowRunner, SandboxRestrictions

from activities import SendActivities
from activities.campaign import CampaignActivities
from activities.entry import EntryActivities
from activities.journey import JourneyActivities
from activities.otp import OtpActivities
from activities.progress import ProgressActivities
from activities.transactional import TransactionalActivities
from herald.channels import ChannelRegistry
from herald.store import Database
from worker import code_cache
from workflows.registry import WORKFLOWS

# Herald's models are pure and import-side-effect free: passing them through the sandbox
# avoids re-importing pydantic models per workflow run (and keeps their identity for the
# data converter).
SANDBOX = SandboxedWorkflowRunner(
    restrictions=SandboxRestrictions.default.with_passthrough_modules("herald", "pydantic")
)


# Participants beyond this many are evicted between steps and replayed from history when their
# timer fires: memory stays bounded however many wait (bench/worker_memory.py measures it).
MAX_CACHED_WORKFLOWS = 1000
SHUTDOWN_GRACE = timedelta(seconds=10)


def build_worker(
    client: Client,
    *,
    task_queue: str,
    database: Database,
    channels: ChannelRegistry | None = None,
    max_cached_workflows: int = MAX_CACHED_WORKFLOWS,
    otp_secret: SecretStr | None = None,
) -> Worker:
    code_cache.install("workflows")
    channels = channels or ChannelRegistry.outbox_for_all(database)
    sends = SendActivities(database, channels)
    pepper = otp_secret.get_secret_value().encode() if otp_secret else b""
    return Worker(
        client,
        task_queue=task_queue,
        workflows=WORKFLOWS,
        activities=[
            sends.send_message,
            *JourneyActivities(database).all(),
            EntryActivities(database, client, task_queue).admit_segment_page,
            TransactionalActivities(database).record_message_results,
            OtpActivities(database, channels, pepper).send_otp,
            ProgressActivities(database).record_progress,
            *CampaignActivities(database, channels).all(),
        ],
        workflow_runner=SANDBOX,
        max_cached_workflows=max_cached_workflows,
        # A stopping worker lets running activities finish rather than cancelling them in
        # the middle of a database transaction (a SQLite write cancelled mid-statement can
        # keep the write lock until its cursor is collected).
        graceful_shutdown_timeout=SHUTDOWN_GRACE,
    )
