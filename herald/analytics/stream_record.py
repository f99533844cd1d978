"""One event as a record of Pinpoint's event stream, the shape its consumers already parse.

    {"event_type": "_email.open", "event_timestamp": 1572989078843,
     "arrival_timestamp": 1572989079000, "event_version": "3.1",
     "application": {"app_id": "...", "sdk": {}}, "client": {"client_id": "<endpoint>"},
     "device": {"platform": {}}, "session": {}, "attributes": {...}, "metrics": {...},
     "endpoint": {"Id": "...", "User": {"UserId": "..."}}, "event_id": "..."}

`event_id` is Herald's addition: the event's stable id, the same on every delivery of it, so a
consumer dedupes a record a retried batch delivered twice. Message events carry
`message_id`, `journey_id`, `journey_activity_id`, `campaign_id` and `treatment_id`
attributes where they apply, as Pinpoint's did.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from herald.models import Event

EVENT_VERSION = "3.1"


def millis(at: datetime) -> int:
    return int(at.timestamp() * 1000)


def stream_record(event: Event, arrival: datetime, app_id: str) -> dict[str, Any]:
    record: dict[str, Any] = {
        "event_id": event.id,
        "event_type": event.event_type,
        "event_timestamp": millis(event.timestamp),
        "arrival_timestamp": millis(arrival),
        "event_version": EVENT_VERSION,
        "application": {"app_id": app_id, "sdk": {}},
        "client": {"client_id": event.endpoint_id or event.user_id or ""},
        "device": {"platform": {}},
        "session": {"session_id": event.session_id} if event.session_id else {},
        "attributes": dict(event.attributes),
        "metrics": dict(event.metrics),
    }
    endpoint: dict[str, Any] = {}
    if event.endpoint_id:
        endpoint["Id"] = event.endpoint_id
    if event.user_id:
        endpoint["User"] = {"UserId": event.user_id}
    if endpoint:
        record["endpoint"] = endpoint
    return record


def partition_key(record: dict[str, Any]) -> str:
    """Records of one endpoint share a key, so a sharded stream keeps their order."""
    return str(record["client"]["client_id"] or record["event_id"])
