"""A campaign's treatments against its holdout, read from the events its sends recorded."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from herald.metrics import MetricsNotFound, campaign_metrics
from herald.models import Event
from herald.store import Database
from herald.store.clock import utcnow
from herald.store.events import put_event
from herald.store.tables import CampaignRow

T0 = datetime(2026, 4, 1, 12, 0, tzinfo=UTC)


def _event(endpoint: str, kind: str, minutes: int = 0, **attributes: str) -> Event:
    return Event(
        endpoint_id=endpoint,
        event_type=kind,
        timestamp=T0 + timedelta(minutes=minutes),
        attributes=attributes,
    )


EVENTS = [
    # treatment A: ann and bob; ann opens, clicks and buys after her send
    _event("ann", "_email.send", campaign_id="spring", treatment_id="A", message_id="m-ann"),
    _event("bob", "_email.send", campaign_id="spring", treatment_id="A", message_id="m-bob"),
    _event("ann", "_email.open", 5, message_id="m-ann"),
    _event("ann", "_email.open", 6, message_id="m-ann"),
    _event("ann", "_email.click", 7, message_id="m-ann"),
    _event("ann", "purchase", 30),
    # treatment B: cy, who bought only before the send (does not count)
    _event("cy", "_SMS.BUFFERED", 1, campaign_id="spring", treatment_id="B", message_id="m-cy"),
    _event("cy", "_SMS.SUCCESS", 2, message_id="m-cy"),
    _event("cy", "purchase", -60),
    # holdout: dee buys, eve does not
    _event("dee", "_campaign.holdout", campaign_id="spring"),
    _event("eve", "_campaign.holdout", campaign_id="spring"),
    _event("dee", "purchase", 40),
    # another campaign's send is not counted
    _event("fay", "_email.send", campaign_id="autumn", treatment_id="A", message_id="m-fay"),
]


async def test_treatments_against_the_holdout(database: Database) -> None:
    async with database.session() as session:
        now = utcnow()
        session.add(
            CampaignRow(
                name="spring", definition={}, state="COMPLETED", created_at=now, updated_at=now
            )
        )
        for event in EVENTS:
            await put_event(session, event)
    async with database.session() as session:
        metrics = await campaign_metrics(session, "spring", "purchase")
    a, b = metrics.treatments
    assert (a.treatment_id, a.members, a.sent, a.opened, a.clicked, a.converted) == (
        "A",
        2,
        2,
        1,
        1,
        1,
    )
    assert a.conversion_rate == 0.5
    assert (b.treatment_id, b.members, b.sent, b.delivered, b.converted) == ("B", 1, 1, 1, 0)
    holdout = metrics.holdout
    assert (holdout.members, holdout.sent, holdout.converted, holdout.conversion_rate) == (
        2,
        0,
        1,
        0.5,
    )
    assert a.lift == 0.0 and b.lift == -1.0


async def test_unknown_campaign_is_named(database: Database) -> None:
    async with database.session() as session:
        with pytest.raises(MetricsNotFound, match="campaign 'ghost' does not exist"):
            await campaign_metrics(session, "ghost")
