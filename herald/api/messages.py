"""Transactional messages over HTTP: Pinpoint's SendMessages / SendUsersMessages in one call."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Query, Request, Response

from herald.client import HeraldClient
from herald.models.transactional import MessageRequest, MessageResponse, RequestState
from herald.transactional.plan import MessageRequestError

router = APIRouter(prefix="/v1/messages", tags=["messages"])


def _herald(request: Request) -> HeraldClient:
    client: HeraldClient = request.app.state.herald
    return client


Client = Annotated[HeraldClient, Depends(_herald)]
Wait = Annotated[
    float, Query(ge=0, le=60, description="Seconds to wait for the results before a 202.")
]


def _status(response: Response, result: MessageResponse) -> MessageResponse:
    response.status_code = 200 if result.state is RequestState.COMPLETE else 202
    return result


@router.post("", responses={202: {"description": "Accepted, still sending: GET it later."}})
async def send_messages(
    client: Client, message: MessageRequest, response: Response, wait: Wait = 5.0
) -> MessageResponse:
    """Send now to addresses, endpoints and users: one result per recipient (200), or the
    request id and PENDING (202) if the results are not back within `wait` seconds."""
    try:
        result = await client.send_messages(message, wait=wait)
    except MessageRequestError as exc:
        raise HTTPException(422, str(exc)) from None
    return _status(response, result)


@router.get("/{request_id}", responses={202: {"description": "Still sending."}})
async def message_results(
    client: Client, request_id: str, response: Response, wait: Wait = 0.0
) -> MessageResponse:
    """The results of an earlier request (202 and PENDING while it is still sending)."""
    return _status(response, await client.message_results(request_id, wait=wait))
