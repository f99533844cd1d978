"""The Python client users script against; the `herald` CLI is a thin layer over it.

    async with await HeraldClient.connect() as herald:
        await herald.apply_files([Path("journeys/welcome.yaml")])
        await herald.enter("welcome", user_id="ann")
        print(await herald.outbox())

It talks to Herald's database for definitions and data, and to Temporal for participants.
Temporal is connected on first use, so applying definitions works while Temporal is down.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import Self

from temporalio.client import Client

from herald.apply import ApplyResult, apply_definitions, with_store_problems
from herald.audience.client import AudienceMethods
from herald.campaigns.client import CampaignMethods
from herald.dashboard.client import DashboardMethods
from herald.definitions import DefinitionError, Definitions, load_files
from herald.inbound.client import TwoWayMethods
from herald.journeys import entry, lifecycle, migration, routing, runs
from herald.journeys.entry import EnterResult
from herald.metrics.client import MetricsMethods
from herald.models import (
    Definition,
    Endpoint,
    Event,
    Journey,
    JourneyState,
    JourneyVersion,
    MessageRecord,
    OutboxMessage,
    RenderPreview,
    TemplateSummary,
    TemplateVersion,
    journey_workflow_id,
)
from herald.models.journey_run import ReplySignal
from herald.settings import Settings
from herald.store import Database, upgrade
from herald.store import endpoints as endpoint_store
from herald.store import events as event_store
from herald.store import journeys as journey_store
from herald.store import messages as message_store
from herald.store import outbox as outbox_store
from herald.store import templates as template_store
from herald.store.entries import last_entry
from herald.templates.preview import PreviewLookupError, preview
from herald.temporal import connect
from herald.transactional.client import TransactionalMethods
from herald.transactional.otp_client import OtpMethods
from herald.transactional.suppression_client import SuppressionMethods


class NotFoundError(LookupError):
    """A named resource does not exist; the message says which and how to create it."""


class HeraldClient(
    AudienceMethods,
    TransactionalMethods,
    OtpMethods,
    SuppressionMethods,
    MetricsMethods,
    TwoWayMethods,
    CampaignMethods,
    DashboardMethods,
):
    def __init__(
        self,
        settings: Settings,
        database: Database,
        temporal: Client | None = None,
        clock: Callable[[], Awaitable[datetime]] | None = None,
    ):
        self.settings = settings
        self.database = database
        self._temporal = temporal
        # Entry rules compare times with the server's; tests on the time-skipping server,
        # whose clock runs ahead, pass its clock here.
        self._clock = clock

    async def now(self) -> datetime:
        return await self._clock() if self._clock else datetime.now(UTC)

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
        await self.close_two_way()
        await self.database.dispose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self, et: type[BaseException] | None, e: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.close()

    # definitions and data

    async def apply(self, definitions: Sequence[Definition]) -> list[ApplyResult]:
        """Apply validated definitions in one transaction: all of them or none; then start
        the segment walk of journeys that enter from a segment."""
        async with self.database.session() as session:
            results = await apply_definitions(session, definitions)
        walking = {
            d.name: d.settings.entry.segment.page_size
            for d in definitions
            if isinstance(d, Journey) and d.settings.entry.segment
        }
        return await self._launch_campaigns(
            definitions,
            [
                await self._start_walk(r, walking[r.name])
                if r.name in walking and r.kind == "Journey" and r.state != "DRAFT"
                else r
                for r in results
            ],
        )

    async def _start_walk(self, result: ApplyResult, page_size: int) -> ApplyResult:
        try:
            workflow_id = await runs.ensure_run(
                await self.temporal(),
                result.name,
                self.settings.task_queue,
                page_size,
                published=result.version if result.changed else None,
            )
        except RuntimeError as exc:  # Temporal unreachable: the journey is published anyway
            note = f"segment entry not started ({exc}); run `herald journeys start {result.name}`"
            return result.model_copy(update={"note": note})
        return result.model_copy(update={"note": f"segment entry running as {workflow_id}"})

    async def start_journey(self, journey: str) -> str:
        """Start (or find running) the segment walk of a published journey."""
        task_queue = self.settings.task_queue
        return await runs.start_walk(self.temporal, self.database, journey, task_queue)

    async def validated(self, load: Callable[[], Definitions]) -> Definitions:
        """`load()`'s definitions. When its field checks fail, the DefinitionError raised
        also lists what the store's checks find in the rest, so one try shows every problem."""
        try:
            return load()
        except DefinitionError as exc:
            raise await with_store_problems(self.database, exc) from None

    async def apply_files(self, paths: Iterable[Path]) -> list[ApplyResult]:
        """Validate every file, then apply them all; any problem raises DefinitionError."""
        return await self.apply(await self.validated(lambda: load_files(paths)))

    async def publish_files(self, paths: Iterable[Path]) -> list[ApplyResult]:
        """Like `apply_files`, but the journeys in them go live: `state: DRAFT` is what
        `herald apply` honours, and publishing is the step that activates a draft."""
        loaded = await self.validated(lambda: load_files(paths))
        published = (
            d.model_copy(update={"state": "ACTIVE"}) if isinstance(d, Journey) else d
            for d in loaded
        )
        return await self.apply(Definitions(published, loaded.sources))

    async def upsert_endpoints(self, endpoints: Sequence[Endpoint]) -> int:
        async with self.database.session() as session:
            return await endpoint_store.upsert_endpoints(session, endpoints)

    async def get_endpoint(self, endpoint_id: str) -> Endpoint | None:
        async with self.database.session() as session:
            return await endpoint_store.get_endpoint(session, endpoint_id)

    async def _route(self, event: Event, event_id: str) -> None:
        await routing.route_event(
            self.temporal, self.database, event, event_id, self.settings.task_queue,
            now=await self.now(),
        )  # fmt: skip

    async def put_event(self, event: Event, *, route: bool = True) -> str:
        """Record an event once (by id) and bring it, once, to the journeys that enter on it
        or wait for it. Recorded but not routed (Temporal unreachable: TemporalUnavailable),
        it is routed when put again with its id."""
        async with self.database.session() as session:
            [result] = await event_store.check_events(session, [event])
            if result.reason is not None:
                raise NotFoundError(result.reason)
            done = event.id is not None and bool(await event_store.routed(session, [event.id]))
            event_id = await event_store.put_event(session, event)
        if route and not done:
            await self.route_recorded(event, event_id)
        return event_id

    async def route_recorded(self, event: Event, event_id: str) -> None:
        """Bring an event already recorded (`put_event(..., route=False)`) to the journeys
        and campaigns that want it, and mark it routed."""
        await self._route(event, event_id)
        async with self.database.session() as session:
            await event_store.mark_routed(session, [event_id])

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

    # templates

    async def templates(self) -> list[TemplateSummary]:
        """Every template with its active and latest version."""
        async with self.database.session() as session:
            return await template_store.list_templates(session)

    async def template(self, name: str, version: int | None = None) -> TemplateVersion:
        """A template at `version`, or at its active version."""
        async with self.database.session() as session:
            found = await template_store.get_template(session, name, version)
        if found is None:
            pinned = f" version {version}" if version else ""
            raise NotFoundError(f"template {name!r}{pinned} does not exist; `herald apply` it")
        return found

    async def template_versions(self, name: str) -> list[TemplateVersion]:
        async with self.database.session() as session:
            versions = await template_store.list_versions(session, name)
        if versions is None:
            raise NotFoundError(f"template {name!r} does not exist; `herald apply` it")
        return versions

    async def activate_template(self, name: str, version: int) -> int:
        """Make `version` the one sends use (a roll back); returns the version active before."""
        async with self.database.session() as session:
            previous = await template_store.activate_template(session, name, version)
        if previous is None:
            raise NotFoundError(
                f"template {name!r} has no version {version}; `herald templates versions {name}`"
            )
        return previous

    async def render_template(
        self,
        name: str,
        endpoint_id: str,
        *,
        version: int | None = None,
        substitutions: dict[str, str] | None = None,
        journey: str | None = None,
        step: str | None = None,
    ) -> RenderPreview:
        """The exact message `name` makes for `endpoint_id` (as `journey`'s `step` sends it,
        if given). Raises TemplateRenderError when the message cannot be made."""
        async with self.database.session() as session:
            try:
                return await preview(
                    session,
                    name,
                    endpoint_id,
                    version=version,
                    substitutions=substitutions,
                    journey=journey,
                    step=step,
                )
            except PreviewLookupError as exc:
                raise NotFoundError(str(exc)) from None

    # journeys

    async def journeys(self) -> list[JourneyVersion]:
        """Every published journey at its latest version."""
        async with self.database.session() as session:
            return await journey_store.list_journeys(session)

    async def enter(
        self, journey: str, endpoint_id: str | None = None, *, user_id: str | None = None
    ) -> EnterResult:
        """Enter an endpoint (or, in a journey whose participants are users, a user) into the
        latest published version of `journey`.

        The result says whether it entered, or why not (already in, re-entry rules,
        journey paused/closed, outside its schedule)."""
        async with self.database.session() as session:
            published = await journey_store.get_journey(session, journey)
            if published is None:
                raise NotFoundError(
                    f"journey {journey!r} is not published; `herald apply` it first"
                )
            participant = entry.participant_id(published.journey, endpoint_id, user_id)
            if not await entry.participant_exists(session, published.journey, participant):
                kind = published.journey.settings.entry.participant
                raise NotFoundError(
                    f"{kind} {participant!r} has no endpoints; apply or upsert it first"
                    if kind == "user"
                    else f"endpoint {participant!r} does not exist; apply or upsert it first"
                )
            facts = await entry.entry_facts(session, journey, participant)
        return await entry.enter(
            await self.temporal(), self.database, published, participant,
            task_queue=self.settings.task_queue, now=await self.now(), facts=facts,
        )  # fmt: skip

    async def journey_transition(self, journey: str, action: str) -> int:
        """pause | resume | close | cancel | activate; returns how many participants were
        signalled (`journey_control` returns the whole outcome)."""
        return (await self.journey_control(journey, action)).signalled

    async def journey_control(self, journey: str, action: str) -> lifecycle.TransitionResult:
        """Change a journey's state: activate (a DRAFT), pause, resume, close or cancel.
        Activating a segment-entry journey starts its walk of the segment."""
        result = await lifecycle.transition(
            self.temporal, self.database, journey, action, await self.now()
        )
        if action != "activate":
            return result
        async with self.database.session() as session:
            published = await journey_store.get_journey(session, journey)
        segment = published.journey.settings.entry.segment if published else None
        if segment is None:
            return result
        walk = ApplyResult(kind="Journey", name=journey)
        note = (await self._start_walk(walk, segment.page_size)).note
        return result.model_copy(update={"note": note})

    async def journey_list(self) -> list[lifecycle.JourneyListing]:
        """Every journey at its latest version with its state (COMPLETED once a closed or
        ended journey holds no one)."""
        return await lifecycle.listing(self.temporal, self.database, await self.now())

    async def journey_status(self, journey: str) -> lifecycle.JourneyStatus:
        return await lifecycle.status(
            await self.temporal(), self.database, journey, await self.now()
        )

    async def migrate(self, journey: str, version: int, step_map: dict[str, str]) -> int:
        """Move waiting participants to `version` at mapped steps; returns how many moved."""
        return await migration.migrate(
            await self.temporal(), self.database, journey, version, step_map
        )

    async def deliver_reply(self, endpoint_id: str, reply: ReplySignal) -> int:
        """Signal a reply to the participant's journeys waiting for one."""
        return await routing.route_reply(await self.temporal(), self.database, endpoint_id, reply)

    async def journey_state(
        self, journey: str, participant_id: str, entry_n: int | None = None
    ) -> JourneyState | None:
        """Where the participant is in `journey` and the path so far: its latest entry, or
        entry `entry_n` of a participant that re-entered."""
        workflow_id = journey_workflow_id(journey, participant_id, entry_n or 1)
        if entry_n is None:
            async with self.database.session() as session:
                last = await last_entry(session, journey, participant_id)
            workflow_id = last.workflow_id if last else workflow_id
        client = await self.temporal()
        handle = client.get_workflow_handle(workflow_id)
        state: JourneyState | None = await handle.query("state", result_type=JourneyState)
        return state
