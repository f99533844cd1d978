"""One-time passwords over HTTP: Pinpoint's SendOTPMessage and VerifyOTPMessage."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response

from herald.client import HeraldClient
from herald.models.otp import OtpRequest, OtpResponse, OtpVerdict, OtpVerification
from herald.models.transactional import RequestState

router = APIRouter(prefix="/v1/otp", tags=["otp"])


def _herald(request: Request) -> HeraldClient:
    client: HeraldClient = request.app.state.herald
    return client


Client = Annotated[HeraldClient, Depends(_herald)]


@router.post("", responses={202: {"description": "Accepted, the provider has not taken it yet."}})
async def send_otp(
    client: Client,
    otp: OtpRequest,
    response: Response,
    wait: Annotated[float, Query(ge=0, le=60)] = 5.0,
) -> OtpResponse:
    """Make a new code for the reference id (the previous one dies) and send it."""
    result = await client.send_otp(otp, wait=wait)
    response.status_code = 200 if result.state is RequestState.COMPLETE else 202
    return result


@router.post("/verify")
async def verify_otp(client: Client, check: OtpVerification) -> OtpVerdict:
    """valid: true once for the right code before it expires and before its attempts run out."""
    return OtpVerdict(valid=await client.verify_otp(check))
