"""Recording engagement events next to the message that caused them (one transaction)."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from herald.analytics.event_names import HOLDOUT_EVENT, SEND_EVENT
from herald.models import Event, MessageRecord
from herald.store.events import put_event, put_events


async def record_send(
    session: AsyncSession, message: MessageRecord, *, user_id: str | None = None
) -> str:
    """Record `_email.send` (or the channel's equivalent); its id is derived from the
    message's idempotency key, so recording twice stores it once. `user_id` is the
    endpoint's user, which the sender has at hand (None: the endpoint has none)."""
    users = {message.endpoint_id: user_id}
    return await put_event(session, send_event(message), users=users, routable=False)


async def record_sends(session: AsyncSession, messages: Sequence[MessageRecord]) -> None:
    """`record_send` for a batch of messages, in one statement."""
    await put_events(session, [send_event(m) for m in messages], routable=False)


def send_event(message: MessageRecord) -> Event:
    attributes = {
        "message_id": message.provider_message_id or "",
        "journey_id": message.journey or "",
        "journey_activity_id": message.step_id or "",
        "campaign_id": message.campaign or "",
        "treatment_id": message.treatment or "",
        "template": message.template or "",
    }
    return Event(
        id="send-" + hashlib.sha256(message.idempotency_key.encode()).hexdigest()[:48],
        endpoint_id=message.endpoint_id,
        event_type=SEND_EVENT[message.channel],
        attributes={k: v for k, v in attributes.items() if v},
    )


async def record_holdouts(
    session: AsyncSession, campaign: str, run: str, endpoint_ids: Sequence[str], at: datetime
) -> None:
    """`_campaign.holdout` for each endpoint a run holds out, so the metrics compare the
    treatments against it; ids derived from the run, so a retried page records each once."""
    await put_events(
        session,
        [
            Event(
                id="holdout-"
                + hashlib.sha256(f"campaign:{campaign}:{run}:{e}".encode()).hexdigest()[:48],
                endpoint_id=e,
                event_type=HOLDOUT_EVENT,
                timestamp=at,
                attributes={"campaign_id": campaign, "run_id": run},
            )
            for e in endpoint_ids
        ],
        routable=False,
    )
