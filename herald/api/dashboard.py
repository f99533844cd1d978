"""The dashboard over HTTP: its pages and static files (public shells), and the two reads
its scripts make besides the journey and campaign metrics (these need a read key)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, HTTPException, Query
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from herald.api.routes import Client
from herald.dashboard import PAGES, DashboardOverview, DeliveryMetrics, page_html, static_file
from herald.dashboard.client import MAX_DAYS

router = APIRouter(tags=["dashboard"])
# The pages are for browsers, not API clients: kept out of the OpenAPI document.
pages = APIRouter(prefix="/dashboard", include_in_schema=False)


@pages.get("")
@pages.get("/")
async def home() -> RedirectResponse:
    return RedirectResponse(f"/dashboard/{next(iter(PAGES))}")


@pages.get("/static/{name}")
async def static(name: str) -> Response:
    found = static_file(name)
    if found is None:
        raise HTTPException(404, f"no dashboard file {name!r}")
    content, media_type = found
    return Response(content, media_type=media_type, headers={"Cache-Control": "max-age=3600"})


@pages.get("/{page}", response_class=HTMLResponse)
async def page(page: str) -> HTMLResponse:
    html = page_html(page)
    if html is None:
        raise HTTPException(404, f"no dashboard page {page!r}; pages: {', '.join(PAGES)}")
    return HTMLResponse(html)


@router.get("/v1/dashboard/overview")
async def overview(client: Client) -> DashboardOverview:
    """Journeys and campaigns with their Temporal UI links; app events to convert on."""
    return await client.dashboard_overview()


@router.get("/v1/metrics/deliveries")
async def deliveries(
    client: Client,
    days: Annotated[int, Query(ge=1, le=MAX_DAYS, description="Days back, today included.")] = 30,
) -> DeliveryMetrics:
    """Every message sent in the window, by day and channel, with its engagement."""
    return await client.delivery_metrics(days)
