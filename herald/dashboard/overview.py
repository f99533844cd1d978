"""What the dashboard lists: journeys and campaigns with their Temporal UI links, the app
events a campaign can convert on, and deliveries by day over a window."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from urllib.parse import quote

from pydantic import Field
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from herald.metrics.journey import by_day
from herald.metrics.models import DayMetrics
from herald.models.base import HeraldModel
from herald.store.tables import CampaignRow, EventRow, MessageRow

# App events offered as conversion events; more would not fit a drop-down anyway.
CONVERSION_CHOICES = 200


class Listed(HeraldModel):
    name: str
    state: str
    workflows_url: str = Field(description="The Temporal UI filtered to its workflows.")


class DashboardOverview(HeraldModel):
    temporal_ui_url: str
    namespace: str
    journeys: list[Listed]
    campaigns: list[Listed]
    conversion_events: list[str] = Field(description="App events seen (names without `_`).")
    journeys_stored_state: list[str] = Field(
        default_factory=list,
        description="Journeys shown in their stored state because Temporal could not be "
        "reached to tell whether anyone is still in them (a CLOSED one may be COMPLETED).",
    )


class DeliveryMetrics(HeraldModel):
    since: datetime
    days: int
    by_day: list[DayMetrics]


def workflows_url(ui_url: str, namespace: str, attribute: str, name: str) -> str:
    """The Temporal UI's workflow list filtered on a Herald search attribute."""
    query = quote(f'{attribute}="{name}"', safe="")
    return f"{ui_url}/namespaces/{quote(namespace, safe='')}/workflows?query={query}"


async def overview(
    session: AsyncSession,
    ui_url: str,
    namespace: str,
    journey_states: Mapping[str, str],
    stored_state: Sequence[str] = (),
) -> DashboardOverview:
    """`journey_states`: each journey's state as `herald journeys list` shows it (COMPLETED is
    worked out when read, not stored), but for the `stored_state` ones, which Temporal was
    needed for; campaigns show their stored state."""

    def listed(states: Mapping[str, str], attribute: str) -> list[Listed]:
        return [
            Listed(name=n, state=s, workflows_url=workflows_url(ui_url, namespace, attribute, n))
            for n, s in sorted(states.items())
        ]

    rows = await session.execute(select(CampaignRow.name, CampaignRow.state))
    campaign_states = {str(name): str(state) for name, state in rows}

    events = await session.execute(
        select(EventRow.event_type)
        .where(~EventRow.event_type.startswith("_", autoescape=True))
        .distinct()
        .order_by(EventRow.event_type)
        .limit(CONVERSION_CHOICES)
    )
    return DashboardOverview(
        temporal_ui_url=ui_url,
        namespace=namespace,
        journeys=listed(journey_states, "HeraldJourney"),
        campaigns=listed(campaign_states, "HeraldCampaign"),
        conversion_events=list(events.scalars()),
        journeys_stored_state=sorted(stored_state),
    )


async def deliveries(session: AsyncSession, now: datetime, days: int) -> DeliveryMetrics:
    """Every message sent in the last `days` days (today included), by day and channel."""
    since = (now - timedelta(days=days - 1)).replace(hour=0, minute=0, second=0, microsecond=0)
    found = await by_day(session, MessageRow.created_at >= since)
    return DeliveryMetrics(since=since, days=days, by_day=found)
