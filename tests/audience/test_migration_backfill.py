"""Data stored before the audience migration is segmentable after it."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import JSON, DateTime, String, column, insert, table

from herald.models import Segment
from herald.segments import page_members
from herald.store import Database, make_sync_engine, upgrade
from herald.store.events import list_events

NOW = datetime(2026, 3, 1, tzinfo=UTC)
_endpoints = table(
    "endpoints",
    *(column(c, String) for c in ("id", "channel_type", "address", "user_id", "opt_out")),
    column("endpoint_status", String),
    *(column(c, JSON) for c in ("attributes", "demographic", "location", "metrics")),
    column("created_at", DateTime(timezone=True)),
    column("updated_at", DateTime(timezone=True)),
)
_users = table(
    "users",
    column("user_id", String),
    column("user_attributes", JSON),
    column("updated_at", DateTime(timezone=True)),
)
_events = table(
    "events",
    *(column(c, String) for c in ("id", "endpoint_id", "event_type")),
    column("timestamp", DateTime(timezone=True)),
    column("attributes", JSON),
    column("metrics", JSON),
    column("received_at", DateTime(timezone=True)),
)


def _store_before_the_migration(url: str) -> None:
    upgrade(url, "0001")
    engine = make_sync_engine(url)
    try:
        with engine.begin() as connection:
            connection.execute(
                insert(_endpoints).values(
                    id="old",
                    channel_type="EMAIL",
                    address="old@example.com",
                    user_id="u-old",
                    opt_out="NONE",
                    endpoint_status="ACTIVE",
                    attributes={"Plan": ["pro"]},
                    demographic={"platform": "ios"},
                    location={"country": "FR", "latitude": 48.85, "longitude": 2.35},
                    metrics={"visits": 4},
                    created_at=NOW,
                    updated_at=NOW,
                )
            )
            connection.execute(
                insert(_users).values(
                    user_id="u-old", user_attributes={"Tier": ["gold"]}, updated_at=NOW
                )
            )
            connection.execute(
                insert(_events).values(
                    id="ev", endpoint_id="old", event_type="buy", timestamp=NOW,
                    attributes={}, metrics={}, received_at=NOW,
                )
            )  # fmt: skip
    finally:
        engine.dispose()


async def test_existing_endpoints_users_and_events_are_backfilled(database_url: str) -> None:
    _store_before_the_migration(database_url)
    upgrade(database_url)
    rules = [
        {"type": "attribute", "name": "Plan", "values": ["pro"]},
        {"type": "user_attribute", "name": "Tier", "values": ["gold"]},
        {"type": "demographic", "field": "platform", "values": ["ios"]},
        {"type": "near", "latitude": 48.86, "longitude": 2.35, "within_km": 5},
        {"type": "metric", "name": "visits", "op": ">", "value": 3},
        {"type": "performed", "event": "buy", "scope": "user"},
    ]
    database = Database(database_url)
    try:
        async with database.session() as session:
            for rule in rules:
                segment = Segment.model_validate({"name": "s", "rules": [rule]})
                assert await page_members(session, segment, now=NOW) == ["old"], rule
            [event] = await list_events(session, endpoint_id="old")
        assert event.user_id == "u-old"
    finally:
        await database.dispose()
