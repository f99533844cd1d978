"""What End User Messaging SMS and voice (`pinpoint-sms-voice-v2`) share: the request context
that carries Herald's key, and reading its errors, which name the fields they refuse."""

from __future__ import annotations

from typing import Any

from botocore.exceptions import ClientError

from herald.channels import aws
from herald.models import AddressProblem, DeliveryResult, OutgoingMessage

SETTINGS = "HERALD_CHANNELS__{channel}__AWS__* (or the AWS_* environment) and IAM sms-voice:*"
ADDRESS_FIELD = "DestinationPhoneNumber"


def context(message: OutgoingMessage) -> dict[str, str]:
    """Context comes back in End User Messaging's delivery events: the key finds the message."""
    values = {
        "herald_key": message.idempotency_key,
        "herald_endpoint": message.endpoint_id,
        "herald_journey": message.journey,
        "herald_step": message.step_id,
    }
    return {k: v for k, v in values.items() if v}


def failure(
    message: OutgoingMessage, provider: str, exc: Exception, channel: str
) -> DeliveryResult:
    shared = aws.classify_failure(message, provider, exc, SETTINGS.format(channel=channel))
    if shared is not None:
        return shared
    assert isinstance(exc, ClientError)
    # botocore puts a modeled error's members (Reason, Fields, ResourceType) beside "Error".
    response: dict[str, Any] = dict(exc.response)
    code = str(response.get("Error", {}).get("Code", ""))
    reason = str(response.get("Reason") or "")
    if code == "ConflictException" and reason == "DESTINATION_PHONE_NUMBER_OPTED_OUT":
        return aws.rejected(message, provider, exc, ADDRESS_FIELD, AddressProblem.OPTED_OUT)
    fields = [str(f.get("Name")) for f in response.get("Fields", [])]
    if code == "ResourceNotFoundException":
        fields = [f"{response.get('ResourceType', 'resource')} {response.get('ResourceId', '')}"]
    problem = AddressProblem.INVALID if ADDRESS_FIELD in fields else None
    return aws.rejected(message, provider, exc, ", ".join(fields) or reason or None, problem)
