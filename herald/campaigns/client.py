"""The campaign half of `HeraldClient`: launch on apply, list, status, pause/resume/cancel."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime

from temporalio.client import Client
from temporalio.service import RPCError

from herald.apply import ApplyResult
from herald.campaigns.control import control
from herald.campaigns.errors import CampaignError, CampaignNotFound
from herald.campaigns.launch import launch, start_campaign_run
from herald.campaigns.status import CampaignStatus, campaign_status
from herald.models import Definition
from herald.models.campaign import Campaign
from herald.models.campaign_run import CampaignState
from herald.settings import Settings
from herald.store import Database
from herald.store import campaigns as store


class CampaignMethods:
    settings: Settings
    database: Database
    temporal: Callable[[], Awaitable[Client]]
    now: Callable[[], Awaitable[datetime]]

    async def _launch_campaigns(
        self, definitions: Sequence[Definition], results: list[ApplyResult]
    ) -> list[ApplyResult]:
        """Start or reschedule each changed campaign, and each unchanged one whose launch
        failed before (Temporal was unreachable); a note says what runs when. One launched
        is left alone: launching again would rewrite its Schedule."""
        applied = {d.name: d for d in definitions if isinstance(d, Campaign)}
        out = []
        for result in results:
            campaign = applied.get(result.name) if result.kind == "Campaign" else None
            if campaign is None or not (result.changed or await self._launch_pending(campaign)):
                out.append(result)
                continue
            try:
                note = await self.launch_campaign(campaign)
            except (RuntimeError, RPCError) as exc:  # Temporal unreachable: the definition is kept
                note = f"not started ({exc}); apply it again when Temporal is up"
            out.append(result.model_copy(update={"note": note}))
        return out

    async def _launch_pending(self, campaign: Campaign) -> bool:
        async with self.database.session() as session:
            return await store.launch_pending(session, campaign.name)

    async def launch_campaign(self, campaign: Campaign) -> str:
        """Put the stored `campaign` to work in Temporal, and note that it was."""
        async with self.database.session() as session:
            found = await store.get_campaign(session, campaign.name)
            generation = await store.get_generation(session, campaign.name)
        paused = found is not None and found[1] is CampaignState.PAUSED
        note = await launch(
            self.temporal,
            campaign,
            self.settings.task_queue,
            await self.now(),
            paused,
            generation,
        )
        async with self.database.session() as session:
            await store.mark_launched(session, campaign)
        return note

    async def start_run(self, name: str, run: str) -> str:
        """Start a run now, outside the campaign's schedule (a run id is used once, ever)."""
        async with self.database.session() as session:
            found = await store.get_campaign(session, name)
        if found is None:
            raise CampaignNotFound(f"campaign {name!r} does not exist; `herald apply` it first")
        workflow_id = await start_campaign_run(
            await self.temporal(), found[0], run, self.settings.task_queue
        )
        if workflow_id is None:
            raise CampaignError(f"campaign {name!r} has had a run {run!r}; pick another run id")
        return workflow_id

    async def campaigns(self) -> list[CampaignStatus]:
        async with self.database.session() as session:
            names = [c.name for c, _ in await store.list_campaigns(session)]
        now = await self.now()
        found = [await campaign_status(self.database, name, now, runs=1) for name in names]
        return [s for s in found if s is not None]

    async def campaign_status(self, name: str) -> CampaignStatus:
        found = await campaign_status(self.database, name, await self.now())
        if found is None:
            raise CampaignNotFound(f"campaign {name!r} does not exist; `herald apply` it first")
        return found

    async def campaign_control(self, name: str, action: str) -> list[str]:
        """pause | resume | cancel; returns what each run and the schedule did."""
        return await control(self.temporal, self.database, name, action, await self.now())
