"""The dashboard half of `HeraldClient`: what the pages list, deliveries by day."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime

from temporalio.client import Client

from herald.dashboard.overview import DashboardOverview, DeliveryMetrics, deliveries, overview
from herald.journeys.lifecycle import shown_states
from herald.settings import Settings
from herald.store import Database

MAX_DAYS = 366


class DashboardMethods:
    settings: Settings
    database: Database
    now: Callable[[], Awaitable[datetime]]
    temporal: Callable[[], Awaitable[Client]]

    async def dashboard_overview(self) -> DashboardOverview:
        """Journeys and campaigns with links to their workflows in the Temporal UI, and the
        app events a campaign can convert on. A journey's state is the one `herald journeys
        list` shows: COMPLETED once it takes no one and holds no one. With Temporal down,
        the journeys whose state needs it show their stored state (`journeys_stored_state`)
        instead of every page failing."""
        shown, stored = await shown_states(self.temporal, self.database, await self.now())
        async with self.database.session() as session:
            return await overview(
                session, self.settings.ui_url, self.settings.temporal_namespace, shown, stored
            )

    async def delivery_metrics(self, days: int = 30) -> DeliveryMetrics:
        """Messages sent in the last `days` days (1..366), by day and channel, with their
        engagement."""
        if not 1 <= days <= MAX_DAYS:
            raise ValueError(f"days must be between 1 and {MAX_DAYS}, got {days}")
        async with self.database.session() as session:
            return await deliveries(session, await self.now(), days)
