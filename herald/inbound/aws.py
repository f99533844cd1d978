"""What AWS puts in an SNS notification's `Message`: End User Messaging two-way SMS and SMS
events, and SES receiving and event notifications; each turned into a reply or a receipt."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime
from email.utils import parseaddr
from typing import Any

from herald.inbound.email_text import reply_sender, reply_text
from herald.inbound.errors import BadPayload
from herald.inbound.models import InboundMessage, Receipt
from herald.models import AddressProblem

EUM = "end_user_messaging"
SES = "ses"
SMS_DELIVERED = {"TEXT_DELIVERED", "TEXT_SUCCESSFUL"}
SMS_FAILED = {
    "TEXT_INVALID", "TEXT_INVALID_MESSAGE", "TEXT_UNREACHABLE", "TEXT_CARRIER_UNREACHABLE",
    "TEXT_BLOCKED", "TEXT_CARRIER_BLOCKED", "TEXT_SPAM", "TEXT_UNKNOWN", "TEXT_TTL_EXPIRED",
}  # fmt: skip
SES_EVENTS = {"Delivery", "Bounce", "Complaint", "Reject"}


def message_of(envelope: dict[str, Any]) -> dict[str, Any]:
    try:
        message = json.loads(envelope["Message"])
    except ValueError:
        raise BadPayload("Message", "the SNS Message is not JSON from AWS") from None
    if not isinstance(message, dict):
        raise BadPayload("Message", "the SNS Message is not a JSON object")
    return message


def _field(data: dict[str, Any], path: str) -> Any:
    value: Any = data
    for part in path.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    if value in (None, ""):
        raise BadPayload(f"Message.{path}", f"Message.{path} is missing")
    return value


def eum_inbound(message: dict[str, Any]) -> InboundMessage:
    return InboundMessage(
        provider=EUM,
        provider_message_id=str(_field(message, "inboundMessageId")),
        channel="SMS",
        from_address=str(_field(message, "originationNumber")),
        to_address=str(_field(message, "destinationNumber")),
        text=str(message.get("messageBody") or message.get("messageKeyword") or ""),
    )


def eum_event(message: dict[str, Any]) -> Receipt | None:
    kind = str(_field(message, "eventType"))
    if kind not in SMS_DELIVERED and kind not in SMS_FAILED:
        return None  # TEXT_SENT, TEXT_QUEUED, ...: not yet an outcome
    message_id = str(_field(message, "messageId"))
    stamp = message.get("eventTimestamp")
    return Receipt(
        provider=EUM,
        receipt_id=f"{message_id}:{kind}",
        event_type="_SMS.SUCCESS" if kind in SMS_DELIVERED else "_SMS.FAILURE",
        provider_message_id=message_id,
        recipient=str(message.get("destinationPhoneNumber") or "") or None,
        suppress=AddressProblem.INVALID if kind == "TEXT_INVALID" else None,
        detail=str(message.get("messageStatusDescription") or kind),
        timestamp=datetime.fromtimestamp(stamp / 1000, UTC)
        if isinstance(stamp, int | float)
        else datetime.now(UTC),
    )


def ses_kind(message: dict[str, Any]) -> str:
    return str(message.get("eventType") or message.get("notificationType") or "")


def ses_received(message: dict[str, Any]) -> InboundMessage:
    mail = message.get("mail") or {}
    content = message.get("content")
    encoding = ((message.get("receipt") or {}).get("action") or {}).get("encoding", "UTF8")
    raw: bytes | None = None
    if isinstance(content, str):
        raw = base64.b64decode(content) if encoding == "BASE64" else content.encode()
    subject = ((mail.get("commonHeaders") or {}).get("subject")) or ""
    # The addresses the receipt rule received it for (envelope RCPT TO), not `destination`,
    # which lists every To and Cc of the headers: a reply-all may name others first.
    recipients = (message.get("receipt") or {}).get("recipients") or mail.get("destination")
    first_recipient = recipients[0] if isinstance(recipients, list) and recipients else None
    return InboundMessage(
        provider=SES,
        provider_message_id=str(_field(message, "mail.messageId")),
        channel="EMAIL",
        from_address=reply_sender(_ses_sender(message)),
        to_address=str(first_recipient).lower() if first_recipient else None,
        text=reply_text(raw) if raw else subject,
    )


def _ses_sender(message: dict[str, Any]) -> str:
    """Who wrote the reply: its From header's address. `mail.source` is the envelope sender
    (Return-Path), which a "send mail as" alias, a forwarder's SRS address or a VERP bounce
    address makes another; it is only the fallback, for mail whose From names no address."""
    written = ((message.get("mail") or {}).get("commonHeaders") or {}).get("from") or []
    if isinstance(written, list) and written:
        _, address = parseaddr(str(written[0]))
        if "@" in address:
            return address
    return str(_field(message, "mail.source"))


def ses_event(message: dict[str, Any]) -> Receipt:
    kind = ses_kind(message)
    message_id = str(_field(message, "mail.messageId"))
    event_type, problem, detail = "_email.delivered", None, None
    recipients: Any = None
    if kind == "Bounce":
        bounce = message.get("bounce") or {}
        hard = bounce.get("bounceType") == "Permanent"
        event_type = "_email.hardbounce" if hard else "_email.softbounce"
        problem = AddressProblem.INVALID if hard else None
        detail = f"{bounce.get('bounceType')} bounce ({bounce.get('bounceSubType')})"
        recipients = bounce.get("bouncedRecipients")
    elif kind == "Complaint":
        event_type, problem = "_email.complaint", AddressProblem.OPTED_OUT
        complaint = message.get("complaint") or {}
        detail = str(complaint.get("complaintFeedbackType") or "complaint")
        recipients = complaint.get("complainedRecipients")
    elif kind == "Reject":
        event_type = "_email.rejected"
        detail = str((message.get("reject") or {}).get("reason") or "rejected")
    return Receipt(
        provider=SES,
        receipt_id=f"{message_id}:{kind}",
        event_type=event_type,
        provider_message_id=message_id,
        recipient=_ses_recipient(recipients, message),
        suppress=problem,
        detail=detail,
    )


def _ses_recipient(recipients: Any, message: dict[str, Any]) -> str | None:
    """The address a bounce or complaint is about: its first bounced (complained) recipient,
    else the message's first destination. Herald sends each message to one address."""
    if isinstance(recipients, list) and recipients and isinstance(recipients[0], dict):
        named = recipients[0].get("emailAddress")
    else:
        destination = (message.get("mail") or {}).get("destination")
        named = destination[0] if isinstance(destination, list) and destination else None
    _, address = parseaddr(str(named or ""))
    return address if "@" in address and len(address) <= 320 else None
