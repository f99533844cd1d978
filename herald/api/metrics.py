"""Metrics over HTTP: a journey's funnel, a campaign's treatments, event-stream lag."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request

from herald.client import HeraldClient
from herald.metrics import CampaignMetrics, JourneyMetrics

router = APIRouter(prefix="/v1/metrics", tags=["metrics"])


def _client(request: Request) -> HeraldClient:
    client: HeraldClient = request.app.state.herald
    return client


@router.get("/journeys/{journey}")
async def journey(request: Request, journey: str) -> JourneyMetrics:
    """404 names a journey that does not exist."""
    return await _client(request).journey_metrics(journey)


@router.get("/campaigns/{campaign}")
async def campaign(
    request: Request,
    campaign: str,
    conversion: Annotated[
        str | None, Query(description="Event type that counts as converted.")
    ] = None,
) -> CampaignMetrics:
    return await _client(request).campaign_metrics(campaign, conversion)
