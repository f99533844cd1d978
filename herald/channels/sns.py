"""SMS through Amazon SNS Publish to a phone number (boto3 `sns`).

Publish takes no idempotency token for phone numbers; Herald's message log is what keeps a
retried activity from publishing twice.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

from botocore.exceptions import BotoCoreError, ClientError

from herald.channels import aws
from herald.channels.config_aws import SnsSettings
from herald.channels.results import accepted, sms_body
from herald.models import AddressProblem, DeliveryResult, OutgoingMessage, SmsOptions

if TYPE_CHECKING:
    from mypy_boto3_sns.client import SNSClient
    from mypy_boto3_sns.type_defs import MessageAttributeValueTypeDef

SETTINGS = "HERALD_CHANNELS__SMS__AWS__* (or the AWS_* environment) and IAM sns:Publish"
# How SNS names what it refused: "Invalid parameter: PhoneNumber Reason: ...", or
# "... message attribute 'AWS.SNS.SMS.MaxPrice' ...".
NAMED_FIELD = re.compile(r"Invalid parameter: ([A-Za-z.]+)")
NAMED_ATTRIBUTE = re.compile(r"message attribute '([^']+)'")


class SnsProvider:
    name = "sns"

    def __init__(self, settings: SnsSettings) -> None:
        self._settings = settings
        self._client: SNSClient = aws.make_client("sns", settings.aws, settings.timeout)

    async def send(self, messages: Sequence[OutgoingMessage]) -> list[DeliveryResult]:
        return [await self._send_one(m) for m in messages]

    async def _send_one(self, message: OutgoingMessage) -> DeliveryResult:
        body = sms_body(message, self.name)
        if isinstance(body, DeliveryResult):
            return body
        sms = message.content.sms or SmsOptions()
        attributes = self._attributes(sms)
        try:
            reply = await asyncio.to_thread(
                self._client.publish,
                PhoneNumber=message.address,
                Message=body,
                MessageAttributes=attributes,
            )
        except (ClientError, BotoCoreError) as exc:
            return self._failure(message, exc)
        return accepted(message, self.name, reply["MessageId"], self._origin(sms))

    def _origin(self, sms: SmsOptions) -> str | None:
        # The number where one is set (replies come back to it), else the sender id.
        settings = self._settings
        return (
            sms.origination_number
            or settings.origination_number
            or sms.sender_id
            or settings.sender_id
        )

    def _attributes(self, sms: SmsOptions) -> dict[str, MessageAttributeValueTypeDef]:
        values = {
            "AWS.SNS.SMS.SMSType": sms.message_type.title(),
            "AWS.SNS.SMS.SenderID": sms.sender_id or self._settings.sender_id,
            "AWS.MM.SMS.OriginationNumber": (
                sms.origination_number or self._settings.origination_number
            ),
            "AWS.SNS.SMS.MaxPrice": self._settings.max_price,
            "AWS.MM.SMS.EntityId": sms.entity_id,
            "AWS.MM.SMS.TemplateId": sms.template_id,
        }
        return {
            name: {
                "DataType": "Number" if name.endswith("MaxPrice") else "String",
                "StringValue": v,
            }
            for name, v in values.items()
            if v
        }

    def _failure(self, message: OutgoingMessage, exc: Exception) -> DeliveryResult:
        shared = aws.classify_failure(message, self.name, exc, SETTINGS)
        if shared is not None:
            return shared
        assert isinstance(exc, ClientError)
        _, text, _ = aws.error_code(exc)
        field = None
        if named := NAMED_FIELD.search(text):
            field = named.group(1)
        elif named := NAMED_ATTRIBUTE.search(text):
            field = f"MessageAttributes.{named.group(1)}"
        if field == "PhoneNumber":
            return aws.rejected(message, self.name, exc, field, AddressProblem.INVALID)
        return aws.rejected(message, self.name, exc, field)


def _data_type(attribute: str) -> str:
    return "Number" if attribute.endswith("MaxPrice") else "String"
