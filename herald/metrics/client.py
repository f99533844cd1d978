"""The metrics half of `HeraldClient`: journeys, campaigns and event-stream lag."""

from __future__ import annotations

from herald.metrics.campaign import campaign_metrics
from herald.metrics.journey import journey_metrics
from herald.metrics.models import CampaignMetrics, JourneyMetrics
from herald.store import Database
from herald.store.stream_outbox import SinkState, sink_states


class MetricsMethods:
    database: Database

    async def journey_metrics(self, journey: str) -> JourneyMetrics:
        """Entries, each step's funnel, exits by reason; raises MetricsNotFound for a journey
        that does not exist."""
        async with self.database.session() as session:
            return await journey_metrics(session, journey)

    async def campaign_metrics(
        self, campaign: str, conversion_event: str | None = None
    ) -> CampaignMetrics:
        """Each treatment against the holdout, converting on `conversion_event` if given."""
        async with self.database.session() as session:
            return await campaign_metrics(session, campaign, conversion_event)

    async def stream_sinks(self) -> list[SinkState]:
        """Each event-stream sink with what waits for it (the stream lag)."""
        async with self.database.session() as session:
            return await sink_states(session)
