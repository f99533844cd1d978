"""Campaign test helpers: many endpoints quickly, a segment, a template, a campaign."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select
from temporalio.client import WorkflowExecutionStatus, WorkflowHandle
from typer.testing import CliRunner

from herald.cli import app
from herald.client import HeraldClient
from herald.models import DEFINITION_ADAPTER, Endpoint, RunProgress
from herald.models.campaign_run import campaign_workflow_id
from herald.settings import Settings
from herald.store import Database
from herald.store.campaigns_tables import CampaignAssignmentRow
from herald.store.endpoints import upsert_endpoints
from herald.store.tables import MessageRow, OutboxRow
from tests.helpers import eventually
from tests.workflows.engine import Engine

SEGMENT = {
    "kind": "Segment",
    "name": "everyone",
    "rules": [{"type": "channel", "values": ["EMAIL"]}],
}
TEMPLATE = {
    "kind": "Template",
    "name": "promo",
    "channel": "EMAIL",
    "subject": "Hi {{ Id }} from {{ Campaign.Name }}",
    "text": "Treatment {{ Campaign.TreatmentId }}",
}


def unique(prefix: str = "promo") -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


async def add_endpoints(
    database: Database, count: int, *, timezone: str | None = None, prefix: str = "e"
) -> list[str]:
    ids = [f"{prefix}{i:06d}" for i in range(count)]
    for start in range(0, count, 2000):
        chunk = [
            Endpoint.model_validate(
                {
                    "Id": endpoint_id,
                    "ChannelType": "EMAIL",
                    "Address": f"{endpoint_id}@example.com",
                    "Demographic": {"Timezone": timezone} if timezone else {},
                }
            )
            for endpoint_id in ids[start : start + 2000]
        ]
        async with database.session() as session:
            await upsert_endpoints(session, chunk)
    return ids


def campaign(name: str, **fields: Any) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "kind": "Campaign",
        "name": name,
        "segment": "everyone",
        "messages": [{"channel": "EMAIL", "template": "promo"}],
    }
    doc.update(fields)
    return doc


def run_handle(engine: Engine, name: str, run: str = "once") -> WorkflowHandle[Any, RunProgress]:
    return engine.env.client.get_workflow_handle(
        campaign_workflow_id(name, run), result_type=RunProgress
    )


async def finished(engine: Engine, name: str, run: str = "once") -> RunProgress:
    """The run's result once it closed. Polled: the time-skipping server answers a result
    long poll that outlasts its timeout with no event, which the SDK cannot tell apart."""
    handle = run_handle(engine, name, run)

    async def status() -> WorkflowExecutionStatus | None:
        return (await handle.describe()).status

    await eventually(status, lambda s: s != WorkflowExecutionStatus.RUNNING, deadline_s=90)
    return await handle.result()


async def message_counts(database: Database, name: str) -> dict[tuple[str, str | None], int]:
    """(status, treatment) -> messages of the campaign in the log."""
    m = MessageRow
    async with database.session() as session:
        rows = await session.execute(
            select(m.status, m.treatment, func.count())
            .where(m.campaign == name)
            .group_by(m.status, m.treatment)
        )
        return {(s, t): int(n) for s, t, n in rows.all()}


async def sent_at(database: Database, name: str) -> dict[str, datetime]:
    async with database.session() as session:
        rows = await session.execute(
            select(MessageRow.endpoint_id, MessageRow.created_at).where(
                MessageRow.campaign == name, MessageRow.status == "SENT"
            )
        )
        # To the second: a durable timer fires a few milliseconds after its time.
        return {str(e): t.replace(tzinfo=t.tzinfo or UTC, microsecond=0) for e, t in rows.all()}


async def outbox_per_endpoint(database: Database, prefix: str) -> dict[str, int]:
    async with database.session() as session:
        rows = await session.execute(
            select(OutboxRow.endpoint_id, func.count())
            .where(OutboxRow.idempotency_key.startswith(prefix))
            .group_by(OutboxRow.endpoint_id)
        )
        return {str(e): int(n) for e, n in rows.all()}


async def assignment_sizes(database: Database, name: str) -> dict[str, int]:
    a = CampaignAssignmentRow
    async with database.session() as session:
        rows = await session.execute(
            select(a.treatment, func.count()).where(a.campaign == name).group_by(a.treatment)
        )
        return {(t or "holdout"): int(n) for t, n in rows.all()}


async def herald(cli: CliRunner, *args: str, code: int = 0) -> Any:
    """Run a command (in a thread: the CLI runs its own event loop); its JSON if --json."""
    result = await asyncio.to_thread(cli.invoke, app, list(args))
    assert result.exit_code == code, result.output
    return json.loads(result.stdout) if "--json" in args else result


async def states(cli: CliRunner, name: str) -> tuple[str, str]:
    """(status --json, list --json) states of the campaign."""
    status = await herald(cli, "campaigns", "status", name, "--json")
    listed = {c["name"]: c["state"] for c in await herald(cli, "campaigns", "list", "--json")}
    return status["state"], listed[name]


async def apply(client: HeraldClient, *docs: dict[str, Any]) -> None:
    await client.apply([DEFINITION_ADAPTER.validate_python(d) for d in docs])


@asynccontextmanager
async def temporal_down(database: Database) -> AsyncIterator[HeraldClient]:
    """A client on `database` (through a pool of its own, which it closes) whose Temporal
    is unreachable: nothing listens on port 1."""
    settings = Settings(database_url=database.url, temporal_address="127.0.0.1:1")
    async with HeraldClient(settings, Database(database.url)) as client:
        yield client
