"""Twilio's webhooks: the signature, an incoming SMS, and status callbacks of messages and
of voice calls (both posted to the one status URL, a call's with CallSid and CallStatus).

X-Twilio-Signature is base64(HMAC-SHA1(auth token, URL + each POST parameter's name and
value, sorted by name)), where URL is exactly what Twilio requested, query included.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Mapping
from urllib.parse import parse_qs, urlsplit

from herald.inbound.errors import BadPayload
from herald.inbound.models import InboundMessage, Receipt
from herald.models import AddressProblem

PROVIDER = "twilio"
# Twilio error codes that say the address itself is dead, or its owner said STOP.
UNSUBSCRIBED = {"21610"}
INVALID = {"21211", "21614", "30005", "30006"}
FAILED = {"failed", "undelivered"}
# A call's final statuses; queued, initiated, ringing and in-progress come before them.
CALL_COMPLETED = "completed"
CALL_FAILED = {"failed", "busy", "no-answer", "canceled"}


def signature(auth_token: str, url: str, params: Mapping[str, str]) -> str:
    data = url + "".join(f"{k}{params[k]}" for k in sorted(params))
    digest = hmac.new(auth_token.encode(), data.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


def verify(auth_token: str, url: str, params: Mapping[str, str], given: str) -> bool:
    return hmac.compare_digest(signature(auth_token, url, params).encode(), given.encode())


def form(body: bytes) -> dict[str, str]:
    """The POST form, one value per name (Twilio sends none twice)."""
    try:
        parsed = parse_qs(body.decode(), keep_blank_values=True, strict_parsing=bool(body))
    except (UnicodeDecodeError, ValueError) as exc:
        raise BadPayload("body", f"not an application/x-www-form-urlencoded form: {exc}") from None
    return {k: v[-1] for k, v in parsed.items()}


def _required(params: Mapping[str, str], *names: str) -> list[str]:
    missing = [n for n in names if not params.get(n)]
    if missing:
        raise BadPayload(missing[0], f"Twilio form field {missing[0]} is missing")
    return [params[n] for n in names]


def inbound_sms(params: Mapping[str, str]) -> InboundMessage:
    sid, sender, to = _required(params, "MessageSid", "From", "To")
    return InboundMessage(
        provider=PROVIDER,
        provider_message_id=sid,
        channel="SMS",
        from_address=sender,
        to_address=to,
        text=params.get("Body", ""),
    )


def status_receipt(params: Mapping[str, str], url: str) -> Receipt | None:
    """A receipt for a message's or a call's outcome; None for the steps before it."""
    if params.get("CallSid") and not params.get("MessageSid"):
        return _call_receipt(params, url)
    return _message_receipt(params, url)


def _message_receipt(params: Mapping[str, str], url: str) -> Receipt | None:
    """A receipt for `delivered` and for failures; None for the steps before (queued, sent)."""
    sid, status = _required(params, "MessageSid", "MessageStatus")
    if status != "delivered" and status not in FAILED:
        return None
    code = params.get("ErrorCode") or ""
    problem = None
    if code in UNSUBSCRIBED:
        problem = AddressProblem.OPTED_OUT
    elif code in INVALID:
        problem = AddressProblem.INVALID
    return Receipt(
        provider=PROVIDER,
        receipt_id=f"{sid}:{status}",
        event_type="_SMS.SUCCESS" if status == "delivered" else "_SMS.FAILURE",
        idempotency_key=_herald_key(url),
        provider_message_id=sid,
        recipient=params.get("To") or None,
        suppress=problem,
        detail=f"Twilio {status}" + (f" (error {code})" if code else ""),
    )


def _call_receipt(params: Mapping[str, str], url: str) -> Receipt | None:
    """A voice call's outcome: `completed` delivered it, busy, no answer, canceled or failed
    did not. Its message is found by `herald_key`, or by the CallSid the provider logged."""
    sid, status = _required(params, "CallSid", "CallStatus")
    if status != CALL_COMPLETED and status not in CALL_FAILED:
        return None
    seconds = params.get("CallDuration")
    return Receipt(
        provider=PROVIDER,
        receipt_id=f"{sid}:{status}",
        event_type="_voice.delivered" if status == CALL_COMPLETED else "_voice.failure",
        idempotency_key=_herald_key(url),
        provider_message_id=sid,
        recipient=params.get("To") or None,
        detail=f"Twilio call {status}" + (f" ({seconds} s)" if seconds else ""),
    )


def _herald_key(url: str) -> str | None:
    """The idempotency key Herald put on the callback URL it gave Twilio (`?herald_key=`)."""
    keys = parse_qs(urlsplit(url).query).get("herald_key")
    return keys[0] if keys else None
