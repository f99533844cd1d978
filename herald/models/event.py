"""Event: something an endpoint did (an app event) or that happened to a message."""

from __future__ import annotations

from datetime import UTC, datetime

from pydantic import Field

from herald.models.base import PinpointModel


def _now() -> datetime:
    return datetime.now(UTC)


class Event(PinpointModel):
    """Shaped on Pinpoint's Event: a type, a timestamp, string attributes, numeric metrics.

    Names starting with `_` are engagement events Herald records itself (`_email.send`, ...).
    """

    id: str | None = Field(default=None, description="Client id for dedupe; made if missing.")
    endpoint_id: str = Field(min_length=1)
    event_type: str = Field(min_length=1, max_length=100)
    timestamp: datetime = Field(default_factory=_now)
    attributes: dict[str, str] = Field(default_factory=dict)
    metrics: dict[str, float] = Field(default_factory=dict)
    session_id: str | None = None
