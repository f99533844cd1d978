"""One-time passwords over HTTP: Pinpoint's SendOTPMessage and VerifyOTPMessage."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi.exceptions import RequestValidationError

from herald.client import HeraldClient
from herald.models.otp import (
    OtpDestinationError,
    OtpRequest,
    OtpResponse,
    OtpVerdict,
    OtpVerification,
)
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
    """Make a new code for the destination and reference id (the previous one dies) and send
    it. A destination that is not a phone number in E.164 form (SMS, VOICE) or an email
    address is a 422 naming `destination_identity`."""
    try:
        result = await client.send_otp(otp, wait=wait)
    except OtpDestinationError as exc:
        loc, given = ("body", exc.field), otp.destination_identity
        problem = {"type": "value_error", "loc": loc, "msg": exc.reason, "input": given}
        raise RequestValidationError([problem]) from None
    response.status_code = 200 if result.state is RequestState.COMPLETE else 202
    return result


@router.post("/verify")
async def verify_otp(client: Client, check: OtpVerification) -> OtpVerdict:
    """valid: true once for the right code before it expires and before its attempts run out."""
    return OtpVerdict(valid=await client.verify_otp(check))
