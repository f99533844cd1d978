"""An email reply as Herald reads it: its new text (the plain-text part without the quoted
message below it), and its sender in the form endpoints store addresses."""

from __future__ import annotations

import re
from email import message_from_bytes, policy
from email.message import EmailMessage

from herald.models.addresses import AddressError, normalise_email

# "On Tue, 3 Mar 2026 Ann <a@x> wrote:", Outlook's "-----Original Message-----", quotes.
QUOTE_START = re.compile(r"^(On .+ wrote:|-{2,}\s*Original Message\s*-{2,}|>)", re.IGNORECASE)


def reply_text(raw: bytes) -> str:
    parsed = message_from_bytes(raw, policy=policy.default)
    assert isinstance(parsed, EmailMessage)
    part = parsed.get_body(preferencelist=("plain", "html"))
    body = part.get_content() if part is not None else ""
    if part is not None and part.get_content_type() == "text/html":
        body = re.sub(r"<[^>]+>", " ", body)
    kept = []
    for line in body.splitlines():
        if QUOTE_START.match(line.strip()):
            break
        kept.append(line)
    return "\n".join(kept).strip() or str(parsed.get("Subject", ""))


def reply_sender(address: str) -> str:
    """The sender as `normalise_email` writes endpoint addresses (the domain lower-cased, the
    local part as written), so the reply is recorded in the form its endpoints have.

    A sender that is no address (a bounce's `MAILER-DAEMON`) is kept, lower-cased as it
    always was: it is still recorded, and finds no endpoint.
    """
    try:
        return normalise_email(address)
    except AddressError:
        return address.lower()
