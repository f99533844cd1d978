"""Email through Amazon SES v2 SendEmail (boto3 `sesv2`).

SendEmail takes no idempotency token; the message's key goes in as an email tag (`herald_key`,
a UUID of the key, since tag values allow only [A-Za-z0-9_-]), so SES event destinations of
the configuration set carry it back, and Herald's message log prevents the second call.

SES names a refused address in prose. The recipient is marked INVALID only when SES names it
(as a whole address, not inside another) outside an identity check, or complains of a malformed
address when the sender and every Reply-To are well formed. "Email address is not verified"
(the sender's identity, or any recipient while the account is in the sandbox) is permanent and
marks nothing: it is about the account, not the mailbox.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Sequence
from email.utils import parseaddr
from typing import TYPE_CHECKING, Any

from botocore.exceptions import BotoCoreError, ClientError

from herald.channels import aws
from herald.channels.addresses import email_problem, key_uuid
from herald.channels.config_aws import SesSettings
from herald.channels.origins import email_origin
from herald.channels.results import accepted, permanent
from herald.channels.smtp import header_problem
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
        problem = header_problem(message.content, sender)
        if problem:
            return permanent(message, self.name, problem)
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
        if _identity_check(text):
            return self._unverified(message, exc, sender, text)
        if _names(text, message.address):
            return self._bad_recipient(message, exc)
        if _names(text, _bare(sender)):
            return aws.rejected(message, self.name, exc, "FromEmailAddress")
        reply_to = message.content.reply_to
        if any(_names(text, _bare(address)) for address in reply_to):
            return aws.rejected(message, self.name, exc, "ReplyToAddresses")
        if _names_an_address(text):
            # SES does not say which address: the recipient only if all the others are fine.
            if not _well_formed(sender):
                return aws.rejected(message, self.name, exc, "FromEmailAddress")
            if not all(_well_formed(address) for address in reply_to):
                return aws.rejected(message, self.name, exc, "ReplyToAddresses")
            return self._bad_recipient(message, exc)
        return aws.rejected(message, self.name, exc, FIELD_OF_CODE.get(code, "Content"))

    def _unverified(
        self, message: OutgoingMessage, exc: ClientError, sender: str, text: str
    ) -> DeliveryResult:
        """An identity of this account failed SES's check: the sender is not verified, or the
        account is in the sandbox and so may only send to verified recipients. Permanent, and
        the recipient's mailbox is not at fault: nothing is marked."""
        code, _, status = aws.error_code(exc)
        sender_named, sandbox = _names(text, _bare(sender)), _names(text, message.address)
        hints = []
        if sender_named or not sandbox:
            hints.append(
                f"verify the sender identity {sender!r} (or its domain) in this SES account "
                "and region"
            )
        if sandbox:
            hints.append(
                "the account is in the SES sandbox, which sends only to verified addresses: "
                "request production access (the recipient's mailbox is not at fault)"
            )
        field = "Destination.ToAddresses" if sandbox and not sender_named else "FromEmailAddress"
        reason = f"{self.name} rejected {field} ({status} {code}): {text}; {'; '.join(hints)}"
        return permanent(message, self.name, reason)

    def _bad_recipient(self, message: OutgoingMessage, exc: ClientError) -> DeliveryResult:
        field = "Destination.ToAddresses"
        return aws.rejected(message, self.name, exc, field, AddressProblem.INVALID)


def _identity_check(text: str) -> bool:
    lowered = text.lower()
    return "not verified" in lowered or "failed the check" in lowered


def _names_an_address(text: str) -> bool:
    lowered = text.lower()
    return any(s in lowered for s in ("illegal address", "missing domain", "missing final"))


# Characters around an address in SES's prose: an address is named only as a whole token
# ("ann@example.com" is not named by "joann@example.com" or "ann@example.com.au").
_EDGE = r"\s<>(),;:\"'\[\]"


def _names(text: str, address: str) -> bool:
    if not address:
        return False
    pattern = rf"(?<![^{_EDGE}]){re.escape(address)}(?=$|[{_EDGE}]|\.(?:$|[{_EDGE}]))"
    return re.search(pattern, text, re.IGNORECASE) is not None


def _bare(address: str) -> str:
    """The address of `Name <address>`, or `address` itself."""
    return parseaddr(address)[1] or address


def _well_formed(address: str) -> bool:
    """An address as the providers accept it, bare or as `Name <address>`."""
    bare = parseaddr(address)[1]
    if not bare or email_problem(bare) is not None:
        return False
    return address == bare or address.rstrip().endswith(f"<{bare}>")


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
