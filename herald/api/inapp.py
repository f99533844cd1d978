"""In-app messages over HTTP: apps fetch an endpoint's messages and dismiss what they showed."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Request, Response

from herald.client import HeraldClient
from herald.models.inapp import InAppMessage
from herald.store import Database
from herald.store.inapp import dismiss_in_app, list_in_app

router = APIRouter(prefix="/v1/in-app", tags=["in-app"])


def database(request: Request) -> Database:
    client: HeraldClient = request.app.state.herald
    return client.database


Db = Annotated[Database, Depends(database)]


@router.get("/{endpoint_id}")
async def fetch(db: Db, endpoint_id: str) -> list[InAppMessage]:
    """The endpoint's live messages (not dismissed, not expired), highest priority first."""
    async with db.session() as session:
        return await list_in_app(session, endpoint_id)


@router.delete("/{endpoint_id}/{message_id}", status_code=204)
async def dismiss(db: Db, endpoint_id: str, message_id: int) -> Response:
    """The app showed the message (or the user closed it): it is not fetched again."""
    async with db.session() as session:
        found = await dismiss_in_app(session, endpoint_id, message_id)
    if not found:
        raise HTTPException(404, f"no live in-app message {message_id} for {endpoint_id!r}")
    return Response(status_code=204)
