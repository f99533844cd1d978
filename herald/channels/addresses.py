"""Address checks made before a provider is called: a malformed address is refused for good
without spending a request on it."""

from __future__ import annotations

import re
import uuid
from email.utils import parseaddr

from herald.models.addresses import PROVIDER_EMAIL

E164 = re.compile(r"^\+[1-9][0-9]{6,14}$")

HERALD_NAMESPACE = uuid.UUID("5b0b6b1e-0d9e-4a38-9c43-6d1a2f1e7c52")


def phone_problem(address: str) -> str | None:
    if E164.match(address):
        return None
    return f"{address!r} is not an E.164 phone number (+ country code and number, no spaces)"


def email_problem(address: str) -> str | None:
    _, bare = parseaddr(address)
    if bare == address and PROVIDER_EMAIL.match(address):
        return None
    return f"{address!r} is not an email address"


def key_uuid(idempotency_key: str) -> uuid.UUID:
    """A UUID that is the same for every retry of a key (APNs apns-id, email Message-ID)."""
    try:
        return uuid.UUID(idempotency_key)
    except ValueError:
        return uuid.uuid5(HERALD_NAMESPACE, idempotency_key)
