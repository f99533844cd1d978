"""A campaign's metrics: each treatment's sends, engagement and conversion against the holdout.

Read from event attributes, as Pinpoint's streams carried them: a send event (`_email.send`,
`_SMS.BUFFERED`, `_campaign.send`, ...) with `campaign_id` and `treatment_id` makes its endpoint
a member of that treatment; `_campaign.holdout` with `campaign_id` a member of the holdout.
Engagement events count for the treatment whose send they name (`message_id`). A member
converted if it performed the conversion event at or after its send (or its holdout).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from herald.analytics.event_names import HOLDOUT_EVENT, SEND_EVENTS
from herald.metrics.engagement import KIND_OF
from herald.metrics.journey import by_day
from herald.metrics.models import CampaignMetrics, MetricsNotFound, TreatmentMetrics
from herald.store.clock import aware
from herald.store.tables import CampaignRow, EventRow, MessageRow

HOLDOUT = "holdout"
DEFAULT_TREATMENT = "0"


@dataclass(frozen=True)
class Member:
    endpoint_id: str
    treatment: str
    since: datetime


async def campaign_metrics(
    session: AsyncSession, campaign: str, conversion_event: str | None = None
) -> CampaignMetrics:
    if await session.get(CampaignRow, campaign) is None:
        raise MetricsNotFound(f"campaign {campaign!r} does not exist; `herald apply` it first")
    members, treatments = await _members(session, campaign)
    await _engagement(session, campaign, treatments)
    if conversion_event:
        await _conversions(session, conversion_event, members, treatments)
    holdout = treatments.pop(HOLDOUT, TreatmentMetrics(treatment_id=HOLDOUT))
    for metrics in [*treatments.values(), holdout]:
        metrics.conversion_rate = metrics.converted / metrics.members if metrics.members else 0.0
    for metrics in treatments.values():
        if holdout.members and holdout.conversion_rate:
            metrics.lift = metrics.conversion_rate / holdout.conversion_rate - 1
    return CampaignMetrics(
        campaign=campaign,
        conversion_event=conversion_event,
        treatments=sorted(treatments.values(), key=lambda t: t.treatment_id),
        holdout=holdout,
        by_day=await by_day(session, MessageRow.campaign == campaign),
    )


async def _members(
    session: AsyncSession, campaign: str
) -> tuple[dict[str, Member], dict[str, TreatmentMetrics]]:
    query = (
        select(EventRow.endpoint_id, EventRow.event_type, EventRow.timestamp, EventRow.attributes)
        .where(EventRow.event_type.in_(sorted(SEND_EVENTS | {HOLDOUT_EVENT})))
        .where(EventRow.attributes["campaign_id"].as_string() == campaign)
        .order_by(EventRow.timestamp)
    )
    members: dict[str, Member] = {}
    treatments: dict[str, TreatmentMetrics] = {}
    counted: set[tuple[str, str]] = set()
    for endpoint_id, event_type, at, attributes in await session.execute(query):
        held = event_type == HOLDOUT_EVENT
        treatment = HOLDOUT if held else attributes.get("treatment_id") or DEFAULT_TREATMENT
        metrics = treatments.setdefault(treatment, TreatmentMetrics(treatment_id=treatment))
        if not held:
            metrics.sent += 1
        if endpoint_id and (endpoint_id, treatment) not in counted:
            counted.add((endpoint_id, treatment))
            metrics.members += 1
            members.setdefault(endpoint_id, Member(endpoint_id, treatment, aware(at)))
    return members, treatments


async def _engagement(
    session: AsyncSession, campaign: str, treatments: dict[str, TreatmentMetrics]
) -> None:
    sends = (
        select(
            EventRow.attributes["message_id"].as_string().label("message_id"),
            EventRow.attributes["treatment_id"].as_string().label("treatment_id"),
        )
        .where(EventRow.event_type.in_(sorted(SEND_EVENTS)))
        .where(EventRow.attributes["campaign_id"].as_string() == campaign)
        .subquery()
    )
    engaged = EventRow.attributes["message_id"].as_string()
    query = (
        select(sends.c.message_id, sends.c.treatment_id, EventRow.event_type)
        .join(EventRow, engaged == sends.c.message_id)
        .where(EventRow.event_type.in_(sorted(KIND_OF)))
    )
    seen: set[tuple[str, str]] = set()
    for message_id, treatment, event_type in await session.execute(query):
        kind = KIND_OF[event_type]
        if (message_id, kind) in seen:
            continue
        seen.add((message_id, kind))
        treatments[treatment or DEFAULT_TREATMENT].add(kind)


async def _conversions(
    session: AsyncSession,
    event_type: str,
    members: dict[str, Member],
    treatments: dict[str, TreatmentMetrics],
) -> None:
    query = (
        select(EventRow.endpoint_id, EventRow.timestamp)
        .where(EventRow.event_type == event_type)
        .where(EventRow.endpoint_id.in_(list(members)))
    )
    converted: set[str] = set()
    for endpoint_id, at in await session.execute(query):
        member = members.get(endpoint_id or "")
        if member and aware(at) >= member.since and member.endpoint_id not in converted:
            converted.add(member.endpoint_id)
            treatments[member.treatment].converted += 1
