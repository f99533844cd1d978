"""One-time passwords, shaped on Pinpoint's SendOTPMessage / VerifyOTPMessage."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from herald.models.addresses import (
    PHONE_TYPES,
    AddressError,
    normalise_address,
    normalise_email,
    normalise_phone,
)
from herald.models.base import HeraldModel
from herald.models.channel import ChannelType
from herald.models.names import ResourceName
from herald.models.transactional import REQUEST_ID_PATTERN, RecipientResult, RequestState

OTP_WORKFLOW = "OneTimePassword"
SEND_OTP_ACTIVITY = "send_otp"

PHONE_FORM = "a phone number in E.164 form: + and country code, e.g. +14155550100"
EMAIL_FORM = "an email address, e.g. ann@example.com"


class OtpDestinationError(AddressError):
    """A destination_identity no code can be sent to on the request's channel."""

    field = "destination_identity"

    def __init__(self, reason: str) -> None:
        super().__init__(f"{self.field}: {reason}")
        self.reason = reason


class OtpRequest(HeraldModel):
    """What `POST /v1/otp` takes. The code is made by the worker and never leaves it in clear
    except in the message itself."""

    destination_identity: str = Field(
        min_length=1, description="Phone in E.164 form (SMS, VOICE) or email address (EMAIL)."
    )
    channel: Literal["SMS", "EMAIL", "VOICE"] = "SMS"
    reference_id: str = Field(
        pattern=REQUEST_ID_PATTERN,
        description="Names the code with the destination; verify with the same two.",
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

    def checked(self) -> OtpRequest:
        """This request with its destination in canonical form, or OtpDestinationError.

        Not a validator: a workflow started before the check existed must still decode its
        input, so that its send can fail for good instead of the workflow being stuck."""
        destination = otp_destination(self.channel, self.destination_identity)
        return self.model_copy(update={"destination_identity": destination})


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


def otp_destination(channel: str, destination: str) -> str:
    """The canonical form of a code's destination on `channel`: E.164 for SMS and VOICE (no
    country to read a local number in, as Pinpoint), the normalised address for EMAIL."""
    kind = ChannelType(channel)
    phone = kind in PHONE_TYPES
    try:
        return normalise_address(kind, destination)
    except AddressError as exc:
        if phone and not destination.strip().startswith("+"):
            problem = f"{destination!r} does not start with + and a country code"
        else:
            problem = str(exc)
        form = PHONE_FORM if phone else EMAIL_FORM
        raise OtpDestinationError(f"{kind.value} codes go to {form}; {problem}") from None


def verified_destination(destination: str) -> str | None:
    """The canonical form `otp_destination` gave the destination a code was sent to (the
    channel is not part of a verification: an email address has an @, a phone number none),
    or None when it is neither."""
    try:
        if "@" in destination:
            return normalise_email(destination)
        return normalise_phone(destination, None)
    except AddressError:
        return None
