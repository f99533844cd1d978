"""Email through Amazon SES v2 SendEmail (boto3 `sesv2`).

SendEmail takes no idempotency token; the message's key goes in as an email tag (`herald_key`,
a UUID of the key, since tag values allow only [A-Za-z0-9_-]), so SES event destinations of
the configuration set carry it back, and Herald's message log prevents the second call.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from botocore.exceptions import BotoCoreError, ClientError

from herald.channels import aws
from herald.channels.addresses import email_problem, key_uuid
from herald.channels.config_aws import SesSettings
from herald.channels.origins import email_origin
from herald.channels.results import accepted, permanent
from herald.models import AddressProblem, DeliveryResult, OutgoingMessage

if TYPE_CHECKING:
    from mypy_boto3_sesv2.client import SESV2Client
    from mypy_boto3_sesv2.type_defs import SendEmailRequestTypeDef

SETTINGS = "HERALD_CHANNELS__EMAIL__AWS__* (or the AWS_* environment) and IAM ses:SendEmail"
TAG_VALUE = re.compile(r"[^A-Za-z0-9_-]")
# SES names the problem in prose; these are the fields its 4xx messages are about.
FIELD_OF_CODE = {
    "MailFromDomainNotVerifiedException": "FromEmailAddress",
    "NotFoundException": "ConfigurationSetName",
}


class SesProvider:
    name = "ses"

    def __init__(self, settings: SesSettings) -> None:
        self._settings = settings
        self._client: SESV2Client = aws.make_client("sesv2", settings.aws, settings.timeout)

    async def send(self, messages: Sequence[OutgoingMessage]) -> list[DeliveryResult]:
        return [await self._send_one(m) for m in messages]

    async def _send_one(self, message: OutgoingMessage) -> DeliveryResult:
        problem = email_problem(message.address)
        if problem:
            return permanent(message, self.name, problem, AddressProblem.INVALID)
        sender = message.content.from_address or self._settings.from_address
        if not sender:
            return permanent(message, self.name, _NO_SENDER)
        if not (message.content.html or message.content.text):
            return permanent(message, self.name, "the message has no html or text part")
        request = self._request(message, sender)
        try:
            reply = await asyncio.to_thread(self._client.send_email, **request)
        except (ClientError, BotoCoreError) as exc:
            return self._failure(message, exc, sender)
        return accepted(
            message, self.name, reply["MessageId"], email_origin(message.content, sender)
        )

    def _request(self, message: OutgoingMessage, sender: str) -> SendEmailRequestTypeDef:
        content = message.content
        body: dict[str, Any] = {}
        if content.text:
            body["Text"] = {"Data": content.text, "Charset": "UTF-8"}
        if content.html:
            body["Html"] = {"Data": content.html, "Charset": "UTF-8"}
        simple: dict[str, Any] = {
            "Subject": {"Data": content.subject or "", "Charset": "UTF-8"},
            "Body": body,
        }
        if content.headers:
            simple["Headers"] = [{"Name": k, "Value": v} for k, v in content.headers.items()]
        request: dict[str, Any] = {
            "FromEmailAddress": sender,
            "Destination": {"ToAddresses": [message.address]},
            "Content": {"Simple": simple},
            "EmailTags": _tags(message),
        }
        if content.reply_to:
            request["ReplyToAddresses"] = content.reply_to
        if self._settings.configuration_set:
            request["ConfigurationSetName"] = self._settings.configuration_set
        typed: SendEmailRequestTypeDef = request  # type: ignore[assignment]
        return typed

    def _failure(self, message: OutgoingMessage, exc: Exception, sender: str) -> DeliveryResult:
        shared = aws.classify_failure(message, self.name, exc, SETTINGS)
        if shared is not None:
            return shared
        assert isinstance(exc, ClientError)
        code, text, _ = aws.error_code(exc)
        if message.address in text:
            return self._bad_recipient(message, exc)
        if sender in text or "not verified" in text:
            return aws.rejected(message, self.name, exc, "FromEmailAddress")
        if _names_an_address(text) and email_problem(sender) is None:
            return self._bad_recipient(message, exc)
        return aws.rejected(message, self.name, exc, FIELD_OF_CODE.get(code, "Content"))

    def _bad_recipient(self, message: OutgoingMessage, exc: ClientError) -> DeliveryResult:
        field = "Destination.ToAddresses"
        return aws.rejected(message, self.name, exc, field, AddressProblem.INVALID)


def _names_an_address(text: str) -> bool:
    lowered = text.lower()
    return any(s in lowered for s in ("illegal address", "missing domain", "missing final"))


def _tags(message: OutgoingMessage) -> list[dict[str, str]]:
    tags = {"herald_key": key_uuid(message.idempotency_key).hex}
    if message.journey:
        tags["herald_journey"] = message.journey
    if message.step_id:
        tags["herald_step"] = message.step_id
    return [{"Name": k, "Value": TAG_VALUE.sub("_", v)[:256]} for k, v in tags.items()]


_NO_SENDER = (
    "no From address: set from_address on the template or HERALD_CHANNELS__EMAIL__FROM_ADDRESS"
)
