"""A small harness for journey tests under time skipping: apply, run a worker, enter, wait."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from temporalio.client import WorkflowExecutionStatus, WorkflowHandle
from temporalio.service import RPCError
from temporalio.testing import WorkflowEnvironment

from herald.client import HeraldClient
from herald.models import DEFINITION_ADAPTER, JourneyResult, JourneyState, OutboxMessage
from herald.models.journey_run import HERALD_JOURNEY_VERSION, journey_run_workflow_id
from herald.settings import Settings
from herald.store import Database
from herald.store.tables import JourneyEntryRow, JourneyRow
from tests.helpers import eventually
from worker import build_worker


def endpoint(endpoint_id: str, **fields: Any) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "kind": "Endpoint",
        "Id": endpoint_id,
        "ChannelType": "EMAIL",
        "Address": f"{endpoint_id}@example.com",
        "User": {"UserId": f"u-{endpoint_id}", "UserAttributes": {"FirstName": [endpoint_id]}},
    }
    doc.update(fields)
    return doc


def template(name: str, channel: str = "EMAIL") -> dict[str, Any]:
    if channel == "SMS":
        return {
            "kind": "Template",
            "name": name,
            "channel": "SMS",
            "body": f"{name} for {{{{ Id }}}}",
        }
    return {"kind": "Template", "name": name, "channel": "EMAIL", "subject": name, "text": "hi"}


# The lifecycle tests' journey: send t1, wait two days at `nap`, send t2.
SERIES: dict[str, Any] = {
    "one": {"type": "send", "template": "t1", "next": "nap"},
    "nap": {"type": "wait", "duration": "P2D", "next": "two"},
    "two": {"type": "send", "template": "t2"},
}


def quiet_around(now: datetime) -> dict[str, str]:
    """Quiet time that holds messages, from an hour before `now` to two hours after (in the
    participant's zone; the tests' participants are in UTC)."""
    return {
        "start": (now - timedelta(hours=1)).strftime("%H:%M"),
        "end": (now + timedelta(hours=2)).strftime("%H:%M"),
        "mode": "wait",
    }


# A template that renders the event that entered its participant.
CART_MAIL: dict[str, Any] = {
    "kind": "Template",
    "name": "cart-mail",
    "channel": "EMAIL",
    "subject": "Your cart",
    "text": "{{ Journey.Event.Type }}: {{ Journey.Event.Attributes.sku }}",
}


def ask_yes(channel: str) -> dict[str, Any]:
    """Steps that ask on `channel` and wait two days for a reply: YES goes to `glad`, any
    other reply or none to `done`."""
    return {
        "ask": {"type": "send", "channel": channel, "template": "ask", "next": "answer"},
        "answer": {
            "type": "wait_for_reply",
            "after_step": "ask",
            "branches": [{"keywords": ["YES"], "next": "glad"}],
            "on_other_reply": "done",
            "timeout": "P2D",
            "on_timeout": "done",
        },
        "glad": {"type": "exit"},
        "done": {"type": "exit"},
    }


def close_to(a: datetime | None, b: datetime) -> bool:
    """Whether `a` is `b`, give or take the few seconds a test's own steps take."""
    return a is not None and abs(a - b) < timedelta(seconds=5)


def journey(name: str, start: str, steps: dict[str, Any], **settings: Any) -> dict[str, Any]:
    doc: dict[str, Any] = {"kind": "Journey", "name": name, "start": start, "steps": steps}
    if settings:
        doc["settings"] = settings
    return doc


@dataclass
class Engine:
    env: WorkflowEnvironment
    herald: HeraldClient

    async def apply(self, *docs: dict[str, Any]) -> None:
        await self.herald.apply([DEFINITION_ADAPTER.validate_python(d) for d in docs])

    def handle(self, journey: str, participant: str, n: int = 1) -> WorkflowHandle[Any, Any]:
        suffix = "" if n == 1 else f":{n}"
        return self.env.client.get_workflow_handle(
            f"journey:{journey}:{participant}{suffix}", result_type=JourneyResult
        )

    async def state(self, journey: str, participant: str) -> JourneyState | None:
        return await self.herald.journey_state(journey, participant)

    async def waiting(self, journey: str, participant: str, on: str | None = None) -> JourneyState:
        """Until the participant waits (on a timer, event, reply...) at step `on`, if given."""

        def ready(s: JourneyState | None) -> bool:
            return (
                s is not None
                and (s.waiting_until is not None or s.paused)
                and (on is None or s.current_step == on)
            )

        found = await eventually(
            lambda: self.state(journey, participant), ready, what=f"{participant} waiting"
        )
        assert found is not None
        return found

    async def migrated(self, journey: str, participant: str, version: int) -> None:
        """Until the participant runs on `version`. Read with describe, not the state query:
        the time-skipping test server leaves a query that arrives as a run continues as new
        unanswered until the query's deadline (30 s), holding time skipping meanwhile, so the
        test's next skip fails and, on a shared server, the tests after it."""
        await eventually(
            lambda: self.handle(journey, participant).describe(),
            lambda d: d.typed_search_attributes.get(HERALD_JOURNEY_VERSION) == version,
            what=f"{participant} running on version {version}",
        )

    async def finish(self, journey: str, participant: str, n: int = 1) -> JourneyResult:
        result: JourneyResult = await self.handle(journey, participant, n).result()
        return result

    async def now(self) -> datetime:
        """The test server's clock: it runs ahead of the wall clock once time is skipped."""
        return await self.env.get_current_time()

    async def skip(self, delta: timedelta) -> None:
        await self.env.sleep(delta)

    async def outbox(self, journey: str) -> list[OutboxMessage]:
        return await self.herald.outbox(journey=journey)

    def path(self, result: JourneyResult) -> list[str]:
        return [v.step_id for v in result.visits]

    async def run_through(self, journey: str, participant: str) -> list[str]:
        """Enter the participant and return the path it took to the end."""
        await self.herald.enter(journey, participant)
        return self.path(await self.finish(journey, participant))


@asynccontextmanager
async def running_engine(
    env: WorkflowEnvironment, database: Database, task_queue: str
) -> AsyncIterator[Engine]:
    settings = Settings(database_url=database.url, task_queue=task_queue)
    herald = HeraldClient(settings, database, env.client, clock=env.get_current_time)
    async with build_worker(env.client, task_queue=task_queue, database=database):
        yield Engine(env, herald)
    await _terminate_leftovers(env, database)


async def _terminate_leftovers(env: WorkflowEnvironment, database: Database) -> None:
    """Participants still waiting when a test ends would fire timers on a queue nobody
    polls, and the time-skipping server stops skipping while work is pending."""
    async with database.session() as session:
        ids = list((await session.execute(select(JourneyEntryRow.workflow_id))).scalars())
        names = (await session.execute(select(JourneyRow.name))).scalars()
        ids += [journey_run_workflow_id(name) for name in names]
    for workflow_id in ids:
        handle = env.client.get_workflow_handle(workflow_id)
        try:
            running = (await handle.describe()).status == WorkflowExecutionStatus.RUNNING
        except RPCError:
            continue  # never started
        if running:
            await handle.terminate("test finished")
