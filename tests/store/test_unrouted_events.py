"""The store's side of the unrouted-event sweep, on SQLite and PostgreSQL: the events a sweep
claims (oldest first, each once), what it hands back, what it never takes (Herald's own send
and holdout events), and that it finds them through the partial index, not by reading every
event."""

from __future__ import annotations

from datetime import timedelta

from herald.models import Endpoint, Event
from herald.store import Database
from herald.store import events as event_store
from herald.store.clock import utcnow
from herald.store.endpoints import upsert_endpoints
from tests.sql_capture import query_plan, statements_run


async def _claim(database: Database, limit: int = 10) -> list[str]:
    now = utcnow()
    async with database.session() as session:
        claimed = await event_store.claim_unrouted(
            session,
            received_after=now - timedelta(hours=1),
            received_before=now + timedelta(seconds=1),
            limit=limit,
        )
    return [e.id or "" for e in claimed]


async def _recorded(database: Database) -> None:
    async with database.session() as session:
        await upsert_endpoints(
            session,
            [Endpoint.model_validate({"Id": "e1", "ChannelType": "EMAIL", "Address": "e1@x.io"})],
        )
    for event_id in ("a", "b", "c"):
        async with database.session() as session:
            await event_store.put_event(
                session, Event(id=event_id, endpoint_id="e1", event_type="x")
            )
    async with database.session() as session:
        own = Event(id="send-1", endpoint_id="e1", event_type="_email.send")
        await event_store.put_event(session, own, routable=False)


async def test_a_sweep_claims_each_unrouted_event_once_oldest_first(database: Database) -> None:
    await _recorded(database)
    assert await _claim(database, limit=2) == ["a", "b"]
    assert await _claim(database) == ["c"], "claimed ones are not claimed again"
    assert await _claim(database) == []

    async with database.session() as session:
        await event_store.release_unrouted(session, ["b"])
    assert await _claim(database) == ["b"], "a released claim is the next sweep's"


async def test_the_sweep_reads_the_unrouted_events_by_their_index(database: Database) -> None:
    await _recorded(database)
    with statements_run(database) as statements:
        await _claim(database)
    [looked_up] = [s for s in statements if "ORDER BY events.received_at" in s[0]]
    plan = " ".join(await query_plan(database, looked_up, analyze="events"))
    assert "ix_events_unrouted" in plan, plan
