"""Endpoints, users and events in the store, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from herald.models import Endpoint, Event
from herald.store import Database
from herald.store.endpoints import (
    delete_endpoint,
    delete_user,
    get_endpoint,
    get_endpoints,
    list_user_endpoints,
    write_endpoints,
)
from herald.store.events import list_events, put_events
from herald.store.users import get_user


def _endpoint(endpoint_id: str, user: str | None = "u1", **fields: Any) -> Endpoint:
    document: dict[str, Any] = {
        "Id": endpoint_id,
        "ChannelType": "EMAIL",
        "Address": f"{endpoint_id}@example.com",
        "Attributes": {"Plan": ["pro"]},
    }
    if user:
        document["User"] = {"UserId": user, "UserAttributes": {"Name": [endpoint_id]}}
    return Endpoint.model_validate(document | fields)


async def test_batch_upsert_counts_new_changed_and_unchanged(database: Database) -> None:
    async with database.session() as session:
        first = await write_endpoints(session, [_endpoint("a"), _endpoint("b")])
    async with database.session() as session:
        again = await write_endpoints(
            session, [_endpoint("a"), _endpoint("b", Attributes={"Plan": ["free"]}), _endpoint("c")]
        )
        loaded = await get_endpoints(session, ["c", "b", "missing"])
    assert (first.created, first.updated, first.unchanged) == (2, 0, 0)
    assert (again.created, again.updated, again.unchanged) == (1, 1, 1)
    assert [(e.id, e.attributes) for e in loaded] == [
        ("c", {"Plan": ["pro"]}),
        ("b", {"Plan": ["free"]}),
    ]


async def test_an_id_given_twice_in_a_batch_keeps_the_last(database: Database) -> None:
    async with database.session() as session:
        await write_endpoints(
            session, [_endpoint("a"), _endpoint("a", Attributes={"Plan": ["team"]})]
        )
        found = await get_endpoint(session, "a")
    assert found is not None and found.attributes == {"Plan": ["team"]}


async def test_a_users_endpoints_listed_and_deleted_together(database: Database) -> None:
    async with database.session() as session:
        await write_endpoints(
            session, [_endpoint("a"), _endpoint("b"), _endpoint("solo", user=None)]
        )
    async with database.session() as session:
        mine = await list_user_endpoints(session, "u1")
        user = await get_user(session, "u1")
    assert [e.id for e in mine] == ["a", "b"]
    assert user is not None and user.user_attributes == {"Name": ["b"]}  # the last write wins
    async with database.session() as session:
        assert await delete_user(session, "u1") == ["a", "b"]
    async with database.session() as session:
        assert await get_endpoints(session, ["a", "b", "solo"]) != []
        assert [e.id for e in await get_endpoints(session, ["a", "b", "solo"])] == ["solo"]
        assert await get_user(session, "u1") is None
        assert await delete_endpoint(session, "solo") is True
        assert await delete_endpoint(session, "solo") is False


async def test_events_are_attributed_to_the_endpoints_user(database: Database) -> None:
    at = datetime(2026, 1, 2, 3, 4, tzinfo=UTC)
    async with database.session() as session:
        await write_endpoints(session, [_endpoint("a"), _endpoint("solo", user=None)])
    batch = [
        Event(id="1", endpoint_id="a", event_type="buy", timestamp=at, metrics={"total": 9.5}),
        Event(id="2", user_id="u1", event_type="login", timestamp=at),
        Event(id="3", endpoint_id="solo", event_type="buy", timestamp=at),
        Event(id="4", endpoint_id="ghost", event_type="buy", timestamp=at),
        Event(id="5", user_id="nobody", event_type="login", timestamp=at),
    ]
    async with database.session() as session:
        results = await put_events(session, batch)
    assert [(r.id, r.status) for r in results] == [
        ("1", "ACCEPTED"),
        ("2", "ACCEPTED"),
        ("3", "ACCEPTED"),
        ("4", "REJECTED"),
        ("5", "REJECTED"),
    ]
    assert results[3].reason == "endpoint 'ghost' does not exist"
    async with database.session() as session:
        by_user = await list_events(session, user_id="u1")
        again = await put_events(session, batch[:1])  # a retried batch is stored once
        everything = await list_events(session)
    assert [(e.id, e.endpoint_id, e.user_id) for e in by_user] == [
        ("1", "a", "u1"),
        ("2", None, "u1"),
    ]
    assert again[0].status == "ACCEPTED"
    assert len(everything) == 3
