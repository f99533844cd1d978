"""Audience routes: endpoints and users, event batches, segment counts and members, imports.

Thin over HeraldClient, the same calls the CLI makes.
"""

from __future__ import annotations

import tempfile
from collections.abc import Awaitable
from pathlib import Path
from typing import Annotated, Any, Literal, TypeVar

from fastapi import APIRouter, Body, Depends, HTTPException, Query, Request, Response

from herald.audience import FileFormatError, ImportReport
from herald.audience.client import MembersPage, SegmentSummary
from herald.client import HeraldClient
from herald.models import Endpoint, Event, User
from herald.segments import SegmentError
from herald.store.endpoints import WriteCounts
from herald.store.events import EventResult

router = APIRouter(tags=["audience"])
T = TypeVar("T")
MAX_BATCH = 1000


def _herald(request: Request) -> HeraldClient:
    client: HeraldClient = request.app.state.herald
    return client


Client = Annotated[HeraldClient, Depends(_herald)]
Unreachable = Annotated[
    bool, Query(description="Include opted-out and inactive endpoints (analysis).")
]
Users = Annotated[bool, Query(description="Distinct user ids instead of endpoints.")]


async def _guard(work: Awaitable[T]) -> T:
    """A segment that cannot be evaluated (missing reference, loop) is a 404 that says why;
    a file that cannot be read is a 422."""
    try:
        return await work
    except SegmentError as exc:
        raise HTTPException(404, str(exc)) from None
    except FileFormatError as exc:
        raise HTTPException(422, str(exc)) from None


@router.post("/v1/endpoints")
async def upsert_endpoints(
    client: Client, endpoints: Annotated[list[Endpoint], Body(max_length=MAX_BATCH)]
) -> WriteCounts:
    """Create or replace up to 1000 endpoints in one transaction."""
    return await client.write_endpoints(endpoints)


@router.get("/v1/endpoints/{endpoint_id}")
async def get_endpoint(client: Client, endpoint_id: str) -> Endpoint:
    found = await client.get_endpoint(endpoint_id)
    if found is None:
        raise HTTPException(404, f"endpoint {endpoint_id!r} does not exist")
    return found


@router.delete("/v1/endpoints/{endpoint_id}", status_code=204)
async def delete_endpoint(client: Client, endpoint_id: str) -> Response:
    await client.delete_endpoint(endpoint_id)
    return Response(status_code=204)


@router.get("/v1/users/{user_id}")
async def get_user(client: Client, user_id: str) -> User:
    return await client.user(user_id)


@router.get("/v1/users/{user_id}/endpoints")
async def user_endpoints(client: Client, user_id: str) -> list[Endpoint]:
    return await client.user_endpoints(user_id)


@router.delete("/v1/users/{user_id}")
async def delete_user(client: Client, user_id: str) -> dict[str, list[str]]:
    """Delete a user and all their endpoints."""
    return {"deleted_endpoints": await client.delete_user(user_id)}


@router.post("/v1/events/batch")
async def put_events(
    client: Client, events: Annotated[list[Event], Body(max_length=MAX_BATCH)]
) -> list[EventResult]:
    """Record up to 1000 events; each is ACCEPTED or REJECTED (with the reason) on its own."""
    return await client.put_events(events)


@router.post("/v1/endpoints/import")
async def import_endpoints(
    client: Client,
    request: Request,
    file_format: Annotated[Literal["csv", "ndjson"], Query(alias="format")],
    segment: Annotated[str | None, Query(description="Make the rows this static segment.")] = None,
) -> ImportReport:
    """Import a CSV or NDJSON body in Pinpoint's endpoint format. The body is spooled to disk,
    not memory; bad rows are reported with their line and reason, good rows kept."""
    with tempfile.TemporaryDirectory(prefix="herald-import-") as directory:
        path = Path(directory) / f"upload.{file_format}"
        with path.open("wb") as spool:
            async for chunk in request.stream():
                spool.write(chunk)
        return await _guard(
            client.import_endpoints(
                path, file_format=file_format, segment=segment, source="request body"
            )
        )


@router.get("/v1/segments")
async def list_segments(client: Client) -> list[SegmentSummary]:
    return await client.segments()


@router.get("/v1/segments/{name}")
async def get_segment(client: Client, name: str) -> dict[str, Any]:
    segment, version = await client.segment(name)
    return {"version": version, "definition": segment.model_dump(mode="json")}


@router.get("/v1/segments/{name}/count")
async def count_segment(
    client: Client, name: str, include_unreachable: Unreachable = False, users: Users = False
) -> dict[str, Any]:
    found = await _guard(
        client.segment_count(name, include_unreachable=include_unreachable, users=users)
    )
    return {"segment": name, "users" if users else "endpoints": found}


@router.get("/v1/segments/{name}/members")
async def segment_members(
    client: Client,
    name: str,
    after: str = "",
    limit: Annotated[int, Query(ge=1, le=10_000)] = 500,
    include_unreachable: Unreachable = False,
    users: Users = False,
) -> MembersPage:
    """A page of member ids; pass `next` as `after` for the following page."""
    return await _guard(
        client.segment_members(
            name, after=after, limit=limit, include_unreachable=include_unreachable, users=users
        )
    )
