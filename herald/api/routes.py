"""Management routes: thin over HeraldClient, the same calls the CLI makes."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Query, Request

from herald.apply import ApplyResult
from herald.client import HeraldClient
from herald.definitions import validate_documents
from herald.journeys.entry import EnterResult
from herald.models import Endpoint, Event, OutboxMessage

router = APIRouter()


def herald(request: Request) -> HeraldClient:
    client: HeraldClient = request.app.state.herald
    return client


Client = Annotated[HeraldClient, Depends(herald)]


@router.get("/health")
async def health() -> dict[str, str]:
    return {"status": "ok"}


@router.post("/v1/definitions")
async def apply_definitions(
    client: Client, documents: Annotated[list[dict[str, Any]], Body()]
) -> list[ApplyResult]:
    """Apply definition documents (the same shapes as files): all of them or none."""
    valid = await client.validated(lambda: validate_documents(documents, "request body"))
    return await client.apply(valid)


@router.put("/v1/endpoints/{endpoint_id}")
async def put_endpoint(client: Client, endpoint_id: str, endpoint: Endpoint) -> Endpoint:
    endpoint = endpoint.model_copy(update={"id": endpoint_id})
    await client.upsert_endpoints([endpoint])
    return endpoint


@router.post("/v1/events", status_code=202)
async def put_event(client: Client, event: Event) -> dict[str, str]:
    return {"id": await client.put_event(event)}


@router.post("/v1/journeys/{journey}/participants")
async def enter(
    client: Client,
    journey: str,
    endpoint_id: Annotated[str | None, Body(embed=True)] = None,
    user_id: Annotated[str | None, Body(embed=True)] = None,
) -> EnterResult:
    """Enter `endpoint_id`, or `user_id` in a journey whose participants are users."""
    return await client.enter(journey, endpoint_id, user_id=user_id)


@router.get("/v1/outbox")
async def outbox(
    client: Client,
    journey: str | None = None,
    endpoint_id: str | None = None,
    limit: Annotated[int, Query(ge=1, le=10_000)] = 100,
) -> list[OutboxMessage]:
    return await client.outbox(journey=journey, endpoint_id=endpoint_id, limit=limit)
