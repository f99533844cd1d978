"""The suppression list over HTTP: see what is suppressed, add an address, lift one."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Query, Request, Response

from herald.client import HeraldClient
from herald.models import AddressProblem, MessageChannel
from herald.models.addresses import AddressError
from herald.models.base import HeraldModel
from herald.transactional.suppression_client import Suppression

router = APIRouter(prefix="/v1/suppressions", tags=["suppressions"])


def _herald(request: Request) -> HeraldClient:
    client: HeraldClient = request.app.state.herald
    return client


Client = Annotated[HeraldClient, Depends(_herald)]


class SuppressionRequest(HeraldModel):
    channel: MessageChannel
    address: str
    reason: AddressProblem = AddressProblem.OPTED_OUT
    detail: str | None = None


@router.get("")
async def list_suppressions(
    client: Client,
    channel: MessageChannel | None = None,
    limit: Annotated[int, Query(ge=1, le=10_000)] = 1000,
) -> list[Suppression]:
    return await client.suppressions(channel, limit=limit)


@router.post("", status_code=201)
async def add(client: Client, body: SuppressionRequest) -> dict[str, str]:
    try:
        address = await client.suppress(
            body.channel, body.address, reason=body.reason, detail=body.detail
        )
    except AddressError as exc:
        raise HTTPException(422, f"address: {exc}") from None
    return {"channel": body.channel.value, "address": address}


@router.delete("/{channel}/{address}", status_code=204)
async def lift(client: Client, channel: MessageChannel, address: str) -> Response:
    """Send to the address again."""
    try:
        lifted = await client.lift_suppression(channel, address)
    except AddressError as exc:
        raise HTTPException(422, f"address: {exc}") from None
    if not lifted:
        raise HTTPException(404, f"{address!r} is not suppressed on {channel.value}")
    return Response(status_code=204)
