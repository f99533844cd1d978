"""The Python client users script against; the `herald` CLI is a thin layer over it.

    async with await HeraldClient.connect() as herald:
        await herald.apply_files([Path("journeys/welcome.yaml")])
        await herald.enter("welcome", endpoint_id="ann-email")
        print(await herald.outbox())

It talks to Herald's database for definitions and data, and to Temporal for participants.
Temporal is connected on first use, so applying definitions works while Temporal is down.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from types import TracebackType
from typing import Self

from temporalio.client import Client, WorkflowHandle
from temporalio.common import SearchAttributePair, TypedSearchAttributes, WorkflowIDReusePolicy
from temporalio.exceptions import WorkflowAlreadyStartedError

from herald.apply import ApplyResult, apply_definitions
from herald.definitions import load_files
from herald.models import (
    JOURNEY_WORKFLOW,
    Definition,
    Endpoint,
    Event,
    JourneyInput,
    JourneyState,
    JourneyVersion,
    MessageRecord,
    OutboxMessage,
    journey_workflow_id,
)
from herald.models.base import HeraldModel
from herald.models.journey_run import HERALD_JOURNEY, HERALD_PARTICIPANT, HERALD_STEP
from herald.settings import Settings
from herald.store import Database, upgrade
from herald.store import endpoints as endpoint_store
from herald.store import events as event_store
from herald.store import journeys as journey_store
from herald.store import messages as message_store
from herald.store import outbox as outbox_store
from herald.temporal import connect


class NotFoundError(LookupError):
    """A named resource does not exist; the message says which and how to create it."""


class EnterResult(HeraldModel):
    journey: str
    version: int
    endpoint_id: str
    workflow_id: str
    run_id: str | None
    already_entered: bool


class HeraldClient:
    def __init__(self, settings: Settings, database: Database, temporal: Client | None = None):
        self.settings = settings
        self.database = database
        self._temporal = temporal

    @classmethod
    async def connect(
        cls,
        settings: Settings | None = None,
        *,
        temporal: Client | None = None,
        migrate: bool = True,
    ) -> HeraldClient:
        settings = settings or Settings()
        if migrate:
            upgrade(settings.resolved_database_url)
        return cls(settings, Database(settings.resolved_database_url), temporal)

    async def temporal(self) -> Client:
        if self._temporal is None:
            self._temporal = await connect(self.settings)
        return self._temporal

    async def close(self) -> None:
        await self.database.dispose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self, et: type[BaseException] | None, e: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.close()

    # definitions and data

    async def apply(self, definitions: Sequence[Definition]) -> list[ApplyResult]:
        """Apply validated definitions in one transaction: all of them or none."""
        async with self.database.session() as session:
            return await apply_definitions(session, definitions)

    async def apply_files(self, paths: Iterable[Path]) -> list[ApplyResult]:
        """Validate every file, then apply them all; any problem raises DefinitionError."""
        return await self.apply(load_files(paths))

    async def upsert_endpoints(self, endpoints: Sequence[Endpoint]) -> int:
        async with self.database.session() as session:
            return await endpoint_store.upsert_endpoints(session, endpoints)

    async def get_endpoint(self, endpoint_id: str) -> Endpoint | None:
        async with self.database.session() as session:
            return await endpoint_store.get_endpoint(session, endpoint_id)

    async def put_event(self, event: Event) -> str:
        async with self.database.session() as session:
            if await endpoint_store.get_endpoint(session, event.endpoint_id) is None:
                raise NotFoundError(f"endpoint {event.endpoint_id!r} does not exist")
            return await event_store.put_event(session, event)

    async def events(
        self, endpoint_id: str | None = None, event_type: str | None = None
    ) -> list[Event]:
        async with self.database.session() as session:
            return await event_store.list_events(session, endpoint_id, event_type)

    async def outbox(
        self,
        *,
        journey: str | None = None,
        endpoint_id: str | None = None,
        limit: int = 100,
        after_id: int = 0,
    ) -> list[OutboxMessage]:
        async with self.database.session() as session:
            return await outbox_store.list_outbox(
                session, journey=journey, endpoint_id=endpoint_id, limit=limit, after_id=after_id
            )

    async def messages(
        self, *, journey: str | None = None, endpoint_id: str | None = None
    ) -> list[MessageRecord]:
        async with self.database.session() as session:
            return await message_store.list_messages(
                session, journey=journey, endpoint_id=endpoint_id
            )

    # journeys

    async def journeys(self) -> list[JourneyVersion]:
        """Every published journey at its latest version."""
        async with self.database.session() as session:
            return await journey_store.list_journeys(session)

    async def enter(self, journey: str, endpoint_id: str) -> EnterResult:
        """Start `endpoint_id` on the latest published version of `journey`, once."""
        async with self.database.session() as session:
            published = await journey_store.get_journey(session, journey)
            endpoint = await endpoint_store.get_endpoint(session, endpoint_id)
        if published is None:
            raise NotFoundError(f"journey {journey!r} is not published; `herald apply` it first")
        if endpoint is None:
            raise NotFoundError(
                f"endpoint {endpoint_id!r} does not exist; apply or upsert it first"
            )
        workflow_id = journey_workflow_id(journey, endpoint_id)
        client = await self.temporal()
        try:
            handle: WorkflowHandle[object, object] = await client.start_workflow(
                JOURNEY_WORKFLOW,
                JourneyInput(
                    journey=published.journey, version=published.version, participant_id=endpoint_id
                ),
                id=workflow_id,
                task_queue=self.settings.task_queue,
                id_reuse_policy=WorkflowIDReusePolicy.REJECT_DUPLICATE,
                search_attributes=TypedSearchAttributes(
                    [
                        SearchAttributePair(HERALD_JOURNEY, journey),
                        SearchAttributePair(HERALD_PARTICIPANT, endpoint_id),
                        SearchAttributePair(HERALD_STEP, published.journey.start),
                    ]
                ),
                static_summary=f"journey {journey} v{published.version} for {endpoint_id}",
            )
        except WorkflowAlreadyStartedError:
            return EnterResult(
                journey=journey,
                version=published.version,
                endpoint_id=endpoint_id,
                workflow_id=workflow_id,
                run_id=None,
                already_entered=True,
            )
        return EnterResult(
            journey=journey,
            version=published.version,
            endpoint_id=endpoint_id,
            workflow_id=workflow_id,
            run_id=handle.first_execution_run_id,
            already_entered=False,
        )

    async def journey_state(self, journey: str, endpoint_id: str) -> JourneyState | None:
        client = await self.temporal()
        handle = client.get_workflow_handle(journey_workflow_id(journey, endpoint_id))
        state: JourneyState | None = await handle.query("state", result_type=JourneyState)
        return state
