"""Management routes: thin over HeraldClient, the same calls the CLI makes."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, HTTPException, Query, Request
from fastapi.exceptions import RequestValidationError
from pydantic import Field, ValidationError

from herald.apply import ApplyResult
from herald.audience.endpoint_update import updated
from herald.client import HeraldClient
from herald.definition_files import json_repeats
from herald.definitions import DefinitionError, validate_documents
from herald.journeys.entry import EnterResult, EntryError
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
    client: Client, request: Request, documents: Annotated[list[dict[str, Any]], Body()]
) -> list[ApplyResult]:
    """Apply definition documents (the same shapes as files): all of them or none."""
    _refuse_repeated_keys(await request.body())
    valid = await client.validated(lambda: validate_documents(documents, "request body"))
    return await client.apply(valid)


def _refuse_repeated_keys(body: bytes) -> None:
    """The JSON parser keeps the last of a repeated key; `herald apply` refuses such a file,
    so the same document is refused here with the same words, before anything is applied.
    Decoded as `json.loads` decodes bytes, so the text is the one FastAPI parsed."""
    repeats = json_repeats(body.decode(json.detect_encoding(body), "surrogatepass"))
    if repeats:
        where = Path("request body")
        raise DefinitionError([repeat.describe(where, "an object") for repeat in repeats])


class EndpointUpdate(Endpoint):
    """Pinpoint's UpdateEndpoint body: the path names the endpoint, so `Id` may be left out.
    What it leaves out of an existing endpoint is kept (`herald.audience.endpoint_update`)."""

    id: str | None = Field(default=None, min_length=1, max_length=200)  # type: ignore[assignment]
    # User attributes alone add to the stored endpoint's user; the merged endpoint is checked.
    user_id_with_attributes = False


@router.put("/v1/endpoints/{endpoint_id}")
async def put_endpoint(client: Client, endpoint_id: str, update: EndpointUpdate) -> Endpoint:
    if update.id is not None and update.id != endpoint_id:
        # Which one to write would be a guess: the caller may have meant either endpoint.
        raise HTTPException(
            422, f"Id {update.id!r} differs from the path's {endpoint_id!r}: leave Id out"
        )
    given = update.model_dump(by_alias=True, mode="json", exclude_unset=True)
    given.pop("Id", None)
    document = updated(await client.get_endpoint(endpoint_id), given) | {"Id": endpoint_id}
    try:
        endpoint = Endpoint.model_validate(document)
    except ValidationError as exc:  # the merged endpoint: a body field clashing with a kept one
        raise RequestValidationError(exc.errors(include_url=False)) from None
    await client.upsert_endpoints([endpoint])
    return endpoint


@router.post("/v1/events", status_code=202)
async def put_event(client: Client, event: Event) -> dict[str, str]:
    return {"id": await client.put_event(event)}


ONE_PARTICIPANT = (
    "give one of endpoint_id (a journey of endpoints) or user_id (a journey whose "
    "participants are users) in the body"
)


@router.post("/v1/journeys/{journey}/participants")
async def enter(
    client: Client,
    journey: str,
    endpoint_id: Annotated[str | None, Body(embed=True, min_length=1)] = None,
    user_id: Annotated[str | None, Body(embed=True, min_length=1)] = None,
) -> EnterResult:
    """Enter `endpoint_id`, or `user_id` in a journey whose participants are users."""
    if (endpoint_id is None) == (user_id is None):
        raise HTTPException(422, ONE_PARTICIPANT)
    try:
        return await client.enter(journey, endpoint_id, user_id=user_id)
    except EntryError:
        # The client's message names the CLI's flags; here the body's fields are what to fix.
        raise HTTPException(422, _wrong_participant(journey, user_id is None)) from None


def _wrong_participant(journey: str, gave_endpoint: bool) -> str:
    """With exactly one field given, a refusal means the journey wants the other one."""
    want, gave = ("user", "endpoint") if gave_endpoint else ("endpoint", "user")
    return f"journey {journey!r} has {want} participants: give {want}_id, not {gave}_id"


@router.get("/v1/outbox")
async def outbox(
    client: Client,
    journey: str | None = None,
    endpoint_id: str | None = None,
    limit: Annotated[int, Query(ge=1, le=10_000)] = 100,
) -> list[OutboxMessage]:
    return await client.outbox(journey=journey, endpoint_id=endpoint_id, limit=limit)
