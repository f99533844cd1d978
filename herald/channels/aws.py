"""What the AWS providers share: a boto3 client per provider, and error classes.

boto3 retries nothing here (`total_max_attempts: 1`): Temporal retries the activity with
backoff, and one place deciding retries keeps a slow provider from multiplying attempts.
Calls run in a thread, since boto3 blocks.

    ClientError, throttling / quota / 5xx      RETRYABLE
    ClientError, credentials / access denied   RETRYABLE: fixing them releases the messages
    ClientError, other 4xx                     PERMANENT, naming the field AWS named
    no answer (timeout, connection)            RETRYABLE
    ParamValidationError                       PERMANENT, naming the parameter
"""

from __future__ import annotations

from typing import Any

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError, ParamValidationError

from herald.channels.config_aws import AwsSettings
from herald.channels.results import permanent, retryable
from herald.models import AddressProblem, DeliveryResult, OutgoingMessage

THROTTLED = frozenset(
    {
        "Throttling",
        "ThrottlingException",
        "ThrottledException",
        "TooManyRequestsException",
        "LimitExceededException",
        "ServiceQuotaExceededException",
        "RequestLimitExceeded",
    }
)
CREDENTIALS = frozenset(
    {
        "AccessDenied",
        "AccessDeniedException",
        "AuthorizationError",
        "UnrecognizedClientException",
        "InvalidClientTokenId",
        "InvalidSignatureException",
        "SignatureDoesNotMatch",
        "ExpiredToken",
        "ExpiredTokenException",
        "MissingAuthenticationToken",
    }
)
# Account states a person resolves with AWS; the messages wait rather than fail.
ACCOUNT_PAUSED = frozenset({"AccountSuspendedException", "SendingPausedException"})


def make_client(service: str, aws: AwsSettings, timeout: float) -> Any:
    session = boto3.session.Session(
        aws_access_key_id=aws.access_key_id,
        aws_secret_access_key=_reveal(aws.secret_access_key),
        aws_session_token=_reveal(aws.session_token),
        region_name=aws.region,
    )
    config = Config(
        retries={"total_max_attempts": 1, "mode": "standard"},
        connect_timeout=min(timeout, 10.0),
        read_timeout=timeout,
    )
    return session.client(service, endpoint_url=aws.endpoint_url, config=config)  # type: ignore[call-overload]


def _reveal(secret: Any) -> str | None:
    return secret.get_secret_value() if secret is not None else None


def error_code(exc: ClientError) -> tuple[str, str, int]:
    error = exc.response.get("Error", {})
    status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0)
    return str(error.get("Code", "")), str(error.get("Message", "")), int(status)


def classify_failure(
    message: OutgoingMessage, provider: str, exc: Exception, settings: str
) -> DeliveryResult | None:
    """The result for failures every AWS API shares; None for a 4xx the provider reads."""
    if isinstance(exc, ParamValidationError):
        return permanent(message, provider, f"{provider} refused the request: {exc}")
    if isinstance(exc, BotoCoreError):
        return retryable(message, provider, f"{provider} unreachable: {type(exc).__name__}")
    if not isinstance(exc, ClientError):
        return None
    code, text, status = error_code(exc)
    if code in THROTTLED or status == 429:
        return retryable(message, provider, f"{provider} throttled: {code}: {text}")
    if code in CREDENTIALS:
        reason = f"{provider} refused Herald's credentials ({code}: {text}); check {settings}"
        return retryable(message, provider, reason, 60.0)
    if code in ACCOUNT_PAUSED:
        return retryable(message, provider, f"{provider}: {code}: {text}", 300.0)
    if status >= 500 or status == 0:
        return retryable(message, provider, f"{provider} failed ({status} {code}): {text}")
    return None


def rejected(
    message: OutgoingMessage,
    provider: str,
    exc: ClientError,
    field: str | None,
    problem: AddressProblem | None = None,
) -> DeliveryResult:
    code, text, status = error_code(exc)
    named = f" {field}" if field else ""
    reason = f"{provider} rejected{named} ({status} {code}): {text}"
    return permanent(message, provider, reason, problem)
