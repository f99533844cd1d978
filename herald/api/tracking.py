"""Tracking routes, reached from people's mail clients: click redirects, the open pixel,
and the unsubscribe page with its RFC 8058 one-click POST. Tokens are signed (links.py).

The person gets the redirect, the pixel or the confirmation whatever becomes of the event:
it is recorded when it can be (a message to a raw address has no endpoint to record it on;
that is logged) and routed to journeys after the answer (tracking/engagement.py)."""

from __future__ import annotations

import base64
import logging
from typing import Annotated, Any

from fastapi import APIRouter, BackgroundTasks, Depends, HTTPException, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse

from herald.client import HeraldClient, NotFoundError
from herald.models import Event
from herald.store.endpoints import get_endpoint
from herald.store.inbound import endpoints_at, set_opt_out
from herald.store.messages import get_message
from herald.tracking import engagement
from herald.tracking.links import CLICK, OPEN, UNSUBSCRIBE, is_web_url, purposes, verify

router = APIRouter(prefix="/t", tags=["tracking"])
PIXEL = base64.b64decode("R0lGODlhAQABAIAAAP///wAAACH5BAEAAAAALAAAAAABAAEAAAICRAEAOw==")
# The suppression's detail: what opted the address out.
UNSUBSCRIBED = "email unsubscribe"
log = logging.getLogger("herald.tracking")


def _herald(request: Request) -> HeraldClient:
    client: HeraldClient = request.app.state.herald
    return client


Client = Annotated[HeraldClient, Depends(_herald)]


async def _token(client: HeraldClient, token: str, purpose: str) -> dict[str, Any]:
    data = verify(await client.signing_secret(), token)
    if data is None or not isinstance(data.get("k"), str):
        raise HTTPException(403, "this link was not made by Herald (or was changed)")
    if purpose not in purposes(data):
        raise HTTPException(403, "this link was made by Herald for something else")
    return data


async def _record(
    client: HeraldClient, background: BackgroundTasks, key: str, event_type: str, **extra: str
) -> None:
    """The engagement event on the message's endpoint, if it can be recorded; never raises:
    the person is answered whatever becomes of the event."""
    try:
        async with client.database.session() as session:
            message = await get_message(session, key)
        if message is None:
            log.info("%s of message %r not recorded: no such message", event_type, key)
            return
        attributes = {
            "message_id": message.provider_message_id or "",
            "message_key": key,
            "journey_id": message.journey or "",
            "journey_activity_id": message.step_id or "",
            **extra,
        }
        event = Event(
            endpoint_id=message.endpoint_id,
            event_type=event_type,
            attributes={k: v for k, v in attributes.items() if v},
        )
        await engagement.record(client, event, background)
    except NotFoundError as exc:  # no endpoint: a raw address, or an endpoint deleted since
        log.info("%s of message %r not recorded: %s", event_type, key, exc)
    except Exception:
        log.exception("%s of message %r not recorded", event_type, key)


@router.get("/c/{token}", response_class=RedirectResponse, status_code=302)
async def click(client: Client, background: BackgroundTasks, token: str) -> RedirectResponse:
    data = await _token(client, token, CLICK)
    url = data.get("u")
    if not isinstance(url, str) or not is_web_url(url):
        raise HTTPException(403, "this link has no destination")
    await _record(client, background, data["k"], "_email.click", link=url[:500])
    return RedirectResponse(url, status_code=302)


@router.get("/o/{token}")
async def open_pixel(client: Client, background: BackgroundTasks, token: str) -> Response:
    data = await _token(client, token, OPEN)
    await _record(client, background, data["k"], "_email.open")
    return Response(PIXEL, media_type="image/gif", headers={"Cache-Control": "no-store"})


@router.get("/u/{token}", response_class=HTMLResponse)
async def unsubscribe_page(client: Client, token: str) -> HTMLResponse:
    """A page with a button: a GET must not unsubscribe (mail scanners follow links)."""
    await _token(client, token, UNSUBSCRIBE)
    return HTMLResponse(
        "<!doctype html><title>Unsubscribe</title><form method=post>"
        "<p>Stop receiving these emails?</p><button type=submit>Unsubscribe</button></form>"
    )


@router.post("/u/{token}")
async def unsubscribe(client: Client, background: BackgroundTasks, token: str) -> dict[str, str]:
    """One-click unsubscribe (RFC 8058) and the page's button: suppresses the address the
    message went to and opts out the endpoints at it. A message to a raw address (no
    endpoint) has its address suppressed all the same."""
    data = await _token(client, token, UNSUBSCRIBE)
    async with client.database.session() as session:
        message = await get_message(session, data["k"])
        address = message.address if message else None
        if message is not None and address is None:  # logged before the log kept addresses
            endpoint = await get_endpoint(session, message.endpoint_id)
            address = endpoint.address if endpoint else None
        if message is None or address is None:
            raise HTTPException(
                404, "Herald no longer knows where this email went, so it cannot unsubscribe it"
            )
        ids = await endpoints_at(session, message.channel.value, address)
        await set_opt_out(session, message.channel, address, ids, True, detail=UNSUBSCRIBED)
    await _record(client, background, data["k"], "_email.unsubscribe")
    return {"status": "unsubscribed"}
