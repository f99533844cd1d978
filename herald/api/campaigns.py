"""Campaign routes: the same calls `herald campaigns` makes."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Body, HTTPException

from herald.api.routes import Client
from herald.campaigns.errors import CampaignError, CampaignNotFound
from herald.campaigns.status import CampaignStatus

router = APIRouter(prefix="/v1/campaigns")


@router.get("")
async def list_campaigns(client: Client) -> list[CampaignStatus]:
    return await client.campaigns()


@router.get("/{name}")
async def campaign_status(client: Client, name: str) -> CampaignStatus:
    try:
        return await client.campaign_status(name)
    except CampaignError as exc:
        raise HTTPException(404, str(exc)) from None


# Before `/{name}/{action}`: routes match in order, and `runs` would be taken for an
# action and refused as one.
@router.post("/{name}/runs")
async def start_run(
    client: Client, name: str, run: Annotated[str, Body(embed=True)]
) -> dict[str, str]:
    """Start a run now, outside the schedule; 409 when the run id was used."""
    try:
        return {"workflow_id": await client.start_run(name, run)}
    except CampaignError as exc:
        raise HTTPException(409, str(exc)) from None


@router.post("/{name}/{action}")
async def control(
    client: Client, name: str, action: Literal["pause", "resume", "cancel"]
) -> dict[str, list[str]]:
    """Pause, resume or cancel; 404 for no such campaign, 409 with the reason when the
    campaign refuses."""
    try:
        return {"done": await client.campaign_control(name, action)}
    except CampaignNotFound as exc:
        raise HTTPException(404, str(exc)) from None
    except CampaignError as exc:
        raise HTTPException(409, str(exc)) from None
