"""Who a participant is: one endpoint, or a user and every endpoint they have.

Steps that look at a person (waits in their timezone, splits on their attributes, webhooks
templated with their data) load the participant here, so endpoint and user journeys share one
path through every step.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from herald.journeys.errors import ParticipantGone
from herald.models import Endpoint
from herald.models.journey_settings import ParticipantKind
from herald.models.zones import zone_of
from herald.store.endpoints import get_endpoint, list_user_endpoints


@dataclass(frozen=True)
class Participant:
    kind: ParticipantKind
    id: str
    endpoints: list[Endpoint]

    @property
    def primary(self) -> Endpoint:
        """The endpoint whose timezone and data stand for a user: the first (by id) that
        has a timezone, so a user's waits and quiet time do not depend on import order. A
        timezone that names no zone ("Tokio": imports take any text) does not count."""
        with_zone = [e for e in self.endpoints if zone_of(e.demographic.timezone or "")]
        return (with_zone or self.endpoints)[0]

    @property
    def endpoint_ids(self) -> list[str]:
        return [e.id for e in self.endpoints]


async def load_participant(
    session: AsyncSession, kind: ParticipantKind, participant_id: str
) -> Participant:
    """The participant and its endpoints; a participant with no endpoint cannot take a step."""
    if kind == "user":
        endpoints = await list_user_endpoints(session, participant_id)
        if not endpoints:
            raise ParticipantGone(f"user {participant_id!r} has no endpoints")
        return Participant(kind, participant_id, sorted(endpoints, key=lambda e: e.id))
    endpoint = await get_endpoint(session, participant_id)
    if endpoint is None:
        raise ParticipantGone(f"endpoint {participant_id!r} does not exist")
    return Participant(kind, participant_id, [endpoint])
