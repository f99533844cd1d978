"""Tracking routes, reached from people's mail clients: click redirects, the open pixel,
and the unsubscribe page with its RFC 8058 one-click POST. Tokens are signed (links.py)."""

from __future__ import annotations

import base64
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse

from herald.client import HeraldClient
from herald.models import Event, MessageChannel
from herald.store.endpoints import get_endpoint
from herald.store.inbound import set_opt_out
from herald.store.messages import get_message
from herald.tracking.links import verify

router = APIRouter(prefix="/t", tags=["tracking"])
PIXEL = base64.b64decode("R0lGODlhAQABAIAAAP///wAAACH5BAEAAAAALAAAAAABAAEAAAICRAEAOw==")


def _herald(request: Request) -> HeraldClient:
    client: HeraldClient = request.app.state.herald
    return client


Client = Annotated[HeraldClient, Depends(_herald)]


async def _token(client: HeraldClient, token: str) -> dict[str, Any]:
    data = verify(await client.signing_secret(), token)
    if data is None or not isinstance(data.get("k"), str):
        raise HTTPException(403, "this link was not made by Herald (or was changed)")
    return data


async def _record(client: HeraldClient, key: str, event_type: str, **extra: str) -> str | None:
    """The engagement event on the message's endpoint; None if the message is gone."""
    async with client.database.session() as session:
        message = await get_message(session, key)
    if message is None:
        return None
    attributes = {
        "message_id": message.provider_message_id or "",
        "journey_id": message.journey or "",
        "journey_activity_id": message.step_id or "",
        **extra,
    }
    event = Event(
        endpoint_id=message.endpoint_id,
        event_type=event_type,
        attributes={k: v for k, v in attributes.items() if v},
    )
    return await client.put_event(event)


@router.get("/c/{token}", response_class=RedirectResponse, status_code=302)
async def click(client: Client, token: str) -> RedirectResponse:
    data = await _token(client, token)
    url = data.get("u")
    if not isinstance(url, str) or not url.startswith(("https://", "http://")):
        raise HTTPException(403, "this link has no destination")
    await _record(client, data["k"], "_email.click", link=url[:500])
    return RedirectResponse(url, status_code=302)


@router.get("/o/{token}")
async def open_pixel(client: Client, token: str) -> Response:
    data = await _token(client, token)
    await _record(client, data["k"], "_email.open")
    return Response(PIXEL, media_type="image/gif", headers={"Cache-Control": "no-store"})


@router.get("/u/{token}", response_class=HTMLResponse)
async def unsubscribe_page(client: Client, token: str) -> HTMLResponse:
    """A page with a button: a GET must not unsubscribe (mail scanners follow links)."""
    await _token(client, token)
    return HTMLResponse(
        "<!doctype html><title>Unsubscribe</title><form method=post>"
        "<p>Stop receiving these emails?</p><button type=submit>Unsubscribe</button></form>"
    )


@router.post("/u/{token}")
async def unsubscribe(client: Client, token: str) -> dict[str, str]:
    """One-click unsubscribe (RFC 8058) and the page's button: opts the address out."""
    data = await _token(client, token)
    async with client.database.session() as session:
        message = await get_message(session, data["k"])
        endpoint = await get_endpoint(session, message.endpoint_id) if message else None
        if endpoint is not None:
            channel = MessageChannel(endpoint.channel_type.family)
            await set_opt_out(session, channel, endpoint.address, [endpoint.id], True)
    if endpoint is not None:
        await _record(client, data["k"], "_email.unsubscribe")
    return {"status": "unsubscribed"}
