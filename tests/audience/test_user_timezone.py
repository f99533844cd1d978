"""A user's timezone (for waits and quiet time) when one endpoint holds a timezone that names
no zone: the import and the API accept any text in Demographic.Timezone."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from herald.journeys.participants import load_participant
from herald.journeys.waits import plan_wait
from herald.models import Endpoint
from herald.models.journey_steps import WaitStep
from herald.store import Database
from herald.store.endpoints import write_endpoints


def _endpoint(endpoint_id: str, timezone: str, **fields: Any) -> Endpoint:
    document: dict[str, Any] = {
        "Id": endpoint_id,
        "ChannelType": "EMAIL",
        "Address": f"{endpoint_id}@example.com",
        "User": {"UserId": "u1"},
        "Demographic": {"Timezone": timezone},
    }
    return Endpoint.model_validate(document | fields)


async def test_a_users_wait_uses_the_timezone_of_an_endpoint_that_has_a_valid_one(
    database: Database,
) -> None:
    async with database.session() as session:
        await write_endpoints(
            session,
            [_endpoint("a-phone", "Tokio"), _endpoint("b-email", "Asia/Tokyo")],
        )
    async with database.session() as session:
        participant = await load_participant(session, "user", "u1")
    step = WaitStep.model_validate({"type": "wait", "local_time": "09:00", "next": None})
    planned = plan_wait(participant.primary, step, datetime(2026, 3, 1, 12, tzinfo=UTC), "UTC")
    # 09:00 in Tokyo is 00:00 UTC: "Tokio" names no zone, so the user's real one stands.
    assert planned.timezone == "Asia/Tokyo", planned
