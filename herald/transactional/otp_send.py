"""Sending a one-time password: the code is made and kept (hashed) just before the send, in
the activity, so it is never written to the workflow's history or the message request."""

from __future__ import annotations

from datetime import UTC, datetime

from pydantic import TypeAdapter

from herald.models import (
    ChannelType,
    Endpoint,
    MessageChannel,
    MessageStatus,
    SendRequest,
    Template,
)
from herald.models.otp import OtpDelivery, otp_destination
from herald.store import Database
from herald.store.messages import get_message
from herald.transactional.otp_codes import keep_code, new_code

_DEFAULT_TEXT = "{{ BrandName }} code: {{ Code }}. It is valid for {{ ValidityMinutes }} minutes."
_DEFAULTS: dict[str, dict[str, str]] = {
    "SMS": {"body": _DEFAULT_TEXT},
    "EMAIL": {"subject": "Your {{ BrandName }} code", "text": _DEFAULT_TEXT},
    "VOICE": {"body": "Your {{ BrandName }} code is {{ CodeSpoken }}. Again: {{ CodeSpoken }}."},
}


_TEMPLATE: TypeAdapter[Template] = TypeAdapter(Template)


def default_content(channel: str) -> Template:
    document = {"name": f"otp-{channel.lower()}", "channel": channel}
    return _TEMPLATE.validate_python(document | _DEFAULTS[channel])


async def otp_send_request(database: Database, delivery: OtpDelivery, pepper: bytes) -> SendRequest:
    """The send of this OTP; a new code is kept unless this message was already sent.
    OtpDestinationError if no code can go to the destination (a request accepted before
    destinations were checked): sending can never succeed."""
    request = delivery.request
    address = otp_destination(request.channel, request.destination_identity)
    endpoint = Endpoint(
        id=address[:200], channel_type=ChannelType(request.channel), address=address
    )
    substitutions = {
        "BrandName": request.brand_name,
        "ValidityMinutes": str(request.validity_minutes),
    }
    async with database.session() as session:
        sent = await get_message(session, delivery.idempotency_key)
        if sent is None or sent.status is MessageStatus.PENDING:
            code = new_code(request.code_length)
            await keep_code(
                session, request, endpoint.address, code,
                message_key=delivery.idempotency_key, pepper=pepper, now=datetime.now(UTC),
            )  # fmt: skip
            substitutions |= {"Code": code, "CodeSpoken": " ".join(code)}
    return SendRequest(
        idempotency_key=delivery.idempotency_key,
        endpoint_id=endpoint.address[:200],
        channel=MessageChannel(request.channel),
        template=request.template or f"otp-{request.channel.lower()}",
        substitutions=substitutions,
        endpoint=endpoint,
        content=None if request.template else default_content(request.channel),
    )
