"""In-app messages over HTTP: apps fetch an endpoint's messages and report what they showed.

Apps authenticate per endpoint with `X-Herald-Endpoint-Token`, which the app's backend gets
from `POST /v1/endpoints/{id}/in-app-token` (an API key route) and hands to the device, so a
device can read only its own endpoint's messages and no management key ships in an app.
"""

from __future__ import annotations

import hmac
from typing import Annotated, Literal

from fastapi import APIRouter, BackgroundTasks, Depends, Header, HTTPException, Request, Response

from herald.client import HeraldClient
from herald.models import Event
from herald.models.base import HeraldModel
from herald.models.inapp import InAppMessage
from herald.store.inapp import dismiss_in_app, find_in_app, list_in_app, provider_message_id
from herald.tracking import engagement

router = APIRouter(prefix="/v1/in-app", tags=["in-app"])
token_router = APIRouter(tags=["in-app"])
EVENT_TYPES = {
    "display": "_inapp.opened",
    "click": "_inapp.click",
    "dismiss": "_inapp.dismissed",
}


def _herald(request: Request) -> HeraldClient:
    client: HeraldClient = request.app.state.herald
    return client


Client = Annotated[HeraldClient, Depends(_herald)]


async def endpoint_client(
    client: Client,
    endpoint_id: str,
    token: Annotated[str | None, Header(alias="X-Herald-Endpoint-Token")] = None,
) -> HeraldClient:
    expected = await client.in_app_token(endpoint_id)
    if token is None or not hmac.compare_digest(token.encode(), expected.encode()):
        raise HTTPException(401, f"X-Herald-Endpoint-Token missing or wrong for {endpoint_id!r}")
    return client


EndpointClient = Annotated[HeraldClient, Depends(endpoint_client)]


class InAppToken(HeraldModel):
    endpoint_id: str
    token: str


class InAppEvent(HeraldModel):
    type: Literal["display", "click", "dismiss"]
    button: str | None = None


@token_router.post("/v1/endpoints/{endpoint_id}/in-app-token")
async def in_app_token(client: Client, endpoint_id: str) -> InAppToken:
    """The token the endpoint's app presents to fetch its in-app messages."""
    if await client.get_endpoint(endpoint_id) is None:
        raise HTTPException(404, f"endpoint {endpoint_id!r} does not exist")
    return InAppToken(endpoint_id=endpoint_id, token=await client.in_app_token(endpoint_id))


@router.get("/{endpoint_id}")
async def fetch(client: EndpointClient, endpoint_id: str) -> list[InAppMessage]:
    """The endpoint's live messages (not dismissed, not expired), highest priority first."""
    async with client.database.session() as session:
        return await list_in_app(session, endpoint_id)


@router.delete("/{endpoint_id}/{message_id}", status_code=204)
async def dismiss(client: EndpointClient, endpoint_id: str, message_id: int) -> Response:
    """The app showed the message (or the user closed it): it is not fetched again."""
    async with client.database.session() as session:
        found = await dismiss_in_app(session, endpoint_id, message_id)
    if not found:
        raise HTTPException(404, f"no live in-app message {message_id} for {endpoint_id!r}")
    return Response(status_code=204)


@router.post("/{endpoint_id}/{message_id}/events", status_code=202)
async def message_event(
    client: EndpointClient,
    background: BackgroundTasks,
    endpoint_id: str,
    message_id: int,
    event: InAppEvent,
) -> dict[str, str]:
    """Display, click or dismiss of a message, recorded as `_inapp.opened|click|dismissed`
    and routed to journeys after the answer. A display or click is taken for any message
    the endpoint was sent, dismissed or expired since (the app reports what it showed); a
    dismiss, for a live one, which it also stops being fetched again."""
    async with client.database.session() as session:
        message = await find_in_app(session, endpoint_id, message_id)
        if event.type == "dismiss":
            live = message is not None and message.live
            if not (live and await dismiss_in_app(session, endpoint_id, message_id)):
                raise HTTPException(404, f"no live in-app message {message_id} for {endpoint_id!r}")
    if message is None:
        raise HTTPException(404, f"no in-app message {message_id} for {endpoint_id!r}")
    attributes = {
        # As the message log and the send event name it, so the metrics count it.
        "message_id": provider_message_id(message.id),
        "message_key": message.idempotency_key,
        "journey_id": message.journey or "",
        "journey_activity_id": message.step_id or "",
        "button": event.button or "",
    }
    recorded = Event(
        endpoint_id=endpoint_id,
        event_type=EVENT_TYPES[event.type],
        attributes={k: v for k, v in attributes.items() if v},
    )
    return {"id": await engagement.record(client, recorded, background)}
