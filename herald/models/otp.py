"""One-time passwords, shaped on Pinpoint's SendOTPMessage / VerifyOTPMessage."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from herald.models.base import HeraldModel
from herald.models.names import ResourceName
from herald.models.transactional import REQUEST_ID_PATTERN, RecipientResult, RequestState

OTP_WORKFLOW = "OneTimePassword"
SEND_OTP_ACTIVITY = "send_otp"


class OtpRequest(HeraldModel):
    """What `POST /v1/otp` takes. The code is made by the worker and never leaves it in clear
    except in the message itself."""

    destination_identity: str = Field(min_length=1, description="Phone (E.164) or email.")
    channel: Literal["SMS", "EMAIL", "VOICE"] = "SMS"
    reference_id: str = Field(
        pattern=REQUEST_ID_PATTERN, description="Names the code; verify with the same one."
    )
    brand_name: str = Field(min_length=1, max_length=64, description="{{ BrandName }}.")
    code_length: int = Field(default=6, ge=4, le=10)
    validity_minutes: int = Field(default=15, ge=1, le=1440)
    allowed_attempts: int = Field(default=3, ge=1, le=20)
    template: ResourceName | None = Field(
        default=None,
        description="A template of the channel, given Code, CodeSpoken, BrandName and "
        "ValidityMinutes. Default: a short message in English.",
    )
    request_id: str | None = Field(default=None, pattern=REQUEST_ID_PATTERN)


class OtpDelivery(HeraldModel):
    """The send activity's input: the request and the message key the workflow made."""

    idempotency_key: str
    request: OtpRequest


class OtpResponse(HeraldModel):
    request_id: str
    reference_id: str
    state: RequestState
    result: RecipientResult | None = None


class OtpVerification(HeraldModel):
    destination_identity: str = Field(min_length=1)
    reference_id: str = Field(min_length=1, max_length=128)
    otp: str = Field(min_length=1, max_length=16)


class OtpVerdict(HeraldModel):
    valid: bool


def otp_workflow_id(request_id: str) -> str:
    return f"otp:{request_id}"
