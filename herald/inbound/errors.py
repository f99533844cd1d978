"""Why a webhook was refused. The API turns these into 401/403, 413 and 422 answers."""

from __future__ import annotations


class WebhookError(Exception):
    status = 400


class Unauthenticated(WebhookError):
    """No signature, or one that does not verify: nothing is recorded."""

    status = 401


class Forbidden(WebhookError):
    """Signed, but by someone Herald does not accept (a foreign certificate host or topic)."""

    status = 403


class TooLarge(WebhookError):
    status = 413


class BadPayload(WebhookError):
    """A body that cannot be read; the message names the field."""

    status = 422

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
