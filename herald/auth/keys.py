"""API keys: `hk_<id>_<secret>`. The id finds the row; only SHA-256(secret) is stored.

A key's secret is 32 random bytes, so a fast hash is enough: there is nothing to brute-force
that a slow hash would protect, and every request checks one.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime
from enum import StrEnum

from herald.models.base import HeraldModel

PREFIX = "hk_"


class Scope(StrEnum):
    READ = "read"  # GET and HEAD of the management API
    WRITE = "write"  # everything, reads included

    def allows(self, wanted: Scope) -> bool:
        return self is Scope.WRITE or wanted is Scope.READ


class ApiKey(HeraldModel):
    id: str
    name: str
    scope: Scope
    created_at: datetime
    revoked_at: datetime | None = None


class NewApiKey(ApiKey):
    key: str  # shown once, at creation; Herald cannot show it again


def new_secret() -> tuple[str, str, str]:
    """(key id, the whole key a user keeps, the hash Herald keeps)."""
    key_id = secrets.token_hex(8)
    secret = secrets.token_urlsafe(32)
    return key_id, f"{PREFIX}{key_id}_{secret}", hash_secret(secret)


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def split_key(key: str) -> tuple[str, str] | None:
    """(id, secret) of a well-formed key, else None."""
    if not key.startswith(PREFIX):
        return None
    key_id, sep, secret = key[len(PREFIX) :].partition("_")
    return (key_id, secret) if sep and key_id and secret else None


def matches(secret: str, stored_hash: str) -> bool:
    return hmac.compare_digest(hash_secret(secret), stored_hash)
