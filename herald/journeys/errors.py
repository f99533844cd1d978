"""Errors journey operations raise; activities map them to Temporal failures."""

from __future__ import annotations


class PermanentStepError(Exception):
    """The step can never succeed as defined; the message says what to fix."""


class RetryableStepError(Exception):
    """A dependency failed for now; `retry_after` seconds, when it said so."""

    def __init__(self, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class ParticipantGone(PermanentStepError):
    """The participant's endpoint, or every endpoint of its user, no longer exists."""
