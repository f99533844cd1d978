"""Event: something an endpoint or a user did (an app event) or that happened to a message."""

from __future__ import annotations

from datetime import UTC, datetime

from pydantic import Field, field_validator, model_validator

from herald.models.base import PinpointModel

# Pinpoint's client SDKs record sessions, sign-ins and purchases under reserved `_` names;
# those are the customer's activity too. Other `_` names (`_email.send`, `_SMS.SUCCESS`,
# `_journey.send`, ...) are what Herald and the channels record about messages.
ACTIVITY_PREFIXES = ("_session.", "_userauth.", "_monetization.")


def _now() -> datetime:
    return datetime.now(UTC)


def is_activity(event_type: str) -> bool:
    """Whether an event of this type shows the customer was active (the `active` dimension)."""
    return not event_type.startswith("_") or event_type.startswith(ACTIVITY_PREFIXES)


class Event(PinpointModel):
    """Shaped on Pinpoint's Event: a type, a timestamp, string attributes, numeric metrics.

    An event belongs to an endpoint, to a user, or to both; recorded for an endpoint alone,
    the store attributes it to the endpoint's user too. Names starting with `_` are
    engagement events Herald records itself (`_email.send`, ...).
    """

    id: str | None = Field(
        default=None, max_length=64, description="Client id for dedupe; made if missing."
    )
    endpoint_id: str | None = Field(default=None, min_length=1, max_length=200)
    user_id: str | None = Field(default=None, min_length=1, max_length=200)
    event_type: str = Field(min_length=1, max_length=100)
    timestamp: datetime = Field(default_factory=_now)
    attributes: dict[str, str] = Field(default_factory=dict)
    metrics: dict[str, float] = Field(default_factory=dict)
    session_id: str | None = None

    @field_validator("timestamp")
    @classmethod
    def _aware(cls, value: datetime) -> datetime:
        if value.tzinfo is None:
            raise ValueError("give the timestamp a timezone, e.g. 2026-01-02T09:00:00Z")
        return value

    @model_validator(mode="after")
    def _someone(self) -> Event:
        if self.endpoint_id is None and self.user_id is None:
            raise ValueError("an event needs `EndpointId`, `UserId` or both")
        return self
