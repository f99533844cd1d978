"""A user's attributes and lifetime in the store, on SQLite and PostgreSQL: written through
any of the user's endpoints, kept while some endpoint has the user id, gone with the last."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from herald.audience import import_endpoints
from herald.models import Endpoint, Event
from herald.store import Database
from herald.store.endpoints import (
    delete_endpoint,
    get_endpoint,
    list_user_endpoints,
    write_endpoints,
)
from herald.store.events import put_events
from herald.store.users import get_user

HEADER = "Id,ChannelType,Address,User.UserId,User.UserAttributes.Tier\n"


def _endpoint(endpoint_id: str, user: str | None, **attributes: list[str]) -> Endpoint:
    document: dict[str, Any] = {
        "Id": endpoint_id,
        "ChannelType": "SMS",
        "Address": "+14155550101" if endpoint_id == "phone" else "+14155550102",
    }
    if user:
        document["User"] = {"UserId": user, "UserAttributes": attributes}
    return Endpoint.model_validate(document)


async def _event_status(database: Database, user_id: str) -> str:
    event = Event.model_validate({"UserId": user_id, "EventType": "purchase"})
    async with database.session() as session:
        results = await put_events(session, [event])
    return results[0].status


async def _import(database: Database, tmp_path: Path, name: str, rows: str) -> None:
    path = tmp_path / name
    path.write_text(HEADER + rows, encoding="utf-8")
    report = await import_endpoints(database, path)
    assert report.rejected == 0, report.problems


async def test_a_user_attribute_written_again_through_an_unchanged_endpoint_is_kept(
    database: Database,
) -> None:
    """Two endpoints of one user each say the user's Tier; the last write wins, even when
    the endpoint it comes with is as stored (its checksum covers the user it was given)."""
    async with database.session() as session:
        await write_endpoints(session, [_endpoint("phone", "u1", Tier=["gold"])])
    async with database.session() as session:
        await write_endpoints(session, [_endpoint("tablet", "u1", Tier=["silver"])])
    async with database.session() as session:
        counts = await write_endpoints(session, [_endpoint("phone", "u1", Tier=["gold"])])
        user = await get_user(session, "u1")
        tablet = await get_endpoint(session, "tablet")
    assert counts.unchanged == 1
    assert user is not None and user.user_attributes == {"Tier": ["gold"]}
    assert tablet is not None and tablet.user is not None
    assert tablet.user.user_attributes == {"Tier": ["gold"]}


async def test_an_import_of_an_unchanged_endpoint_writes_its_users_attributes(
    database: Database, tmp_path: Path
) -> None:
    """The same through an import (on SQLite its batches are written by their own
    statements)."""
    await _import(database, tmp_path, "gold.csv", "phone,SMS,+14155550101,u1,gold\n")
    await _import(database, tmp_path, "silver.csv", "tablet,SMS,+14155550102,u1,silver\n")
    await _import(database, tmp_path, "gold.csv", "phone,SMS,+14155550101,u1,gold\n")
    async with database.session() as session:
        user = await get_user(session, "u1")
    assert user is not None and user.user_attributes == {"Tier": ["gold"]}


async def test_a_user_whose_last_endpoint_was_deleted_is_gone(database: Database) -> None:
    async with database.session() as session:
        await write_endpoints(
            session,
            [_endpoint("phone", "u1", Tier=["gold"]), _endpoint("tablet", "u2", Tier=["gold"])],
        )
    async with database.session() as session:
        assert await delete_endpoint(session, "phone") is True
    async with database.session() as session:
        gone = await get_user(session, "u1")
        kept = await get_user(session, "u2")
    assert (gone, await _event_status(database, "u1")) == (None, "REJECTED")
    assert kept is not None, "another user's row is left alone"
    # A later endpoint with the id starts afresh: nothing of the old attributes.
    async with database.session() as session:
        await write_endpoints(session, [_endpoint("phone", "u1", Plan=["free"])])
        again = await get_user(session, "u1")
    assert again is not None and again.user_attributes == {"Plan": ["free"]}


async def test_a_user_keeps_its_row_while_another_endpoint_has_it(database: Database) -> None:
    async with database.session() as session:
        await write_endpoints(
            session,
            [_endpoint("phone", "u1", Tier=["gold"]), _endpoint("tablet", "u1", Tier=["gold"])],
        )
    async with database.session() as session:
        await delete_endpoint(session, "phone")
        await write_endpoints(session, [_endpoint("phone", "u2")])  # an id u1 never had
    async with database.session() as session:
        user = await get_user(session, "u1")
    assert user is not None and user.user_attributes == {"Tier": ["gold"]}
    assert await _event_status(database, "u1") == "ACCEPTED"


async def test_a_user_whose_last_endpoint_moved_to_another_user_is_gone(
    database: Database,
) -> None:
    async with database.session() as session:
        await write_endpoints(session, [_endpoint("phone", "u-old", FirstName=["Ann"])])
    async with database.session() as session:
        await write_endpoints(session, [_endpoint("phone", "u-new", FirstName=["Ann"])])
    async with database.session() as session:
        left = await list_user_endpoints(session, "u-old")
        old = await get_user(session, "u-old")
        new = await get_user(session, "u-new")
    assert (left, old) == ([], None)
    assert new is not None and new.user_attributes == {"FirstName": ["Ann"]}
    assert await _event_status(database, "u-old") == "REJECTED"
    assert await _event_status(database, "u-new") == "ACCEPTED"
    # An endpoint whose user is taken away leaves its user the same way.
    async with database.session() as session:
        await write_endpoints(session, [_endpoint("phone", None)])
        assert await get_user(session, "u-new") is None


async def test_an_import_that_moves_a_users_last_endpoint_deletes_the_user(
    database: Database, tmp_path: Path
) -> None:
    await _import(database, tmp_path, "a.csv", "phone,SMS,+14155550101,u-old,gold\n")
    await _import(database, tmp_path, "b.csv", "phone,SMS,+14155550101,u-new,\n")
    await _import(database, tmp_path, "c.csv", "tablet,SMS,+14155550102,u-old,\n")
    async with database.session() as session:
        reused = await get_user(session, "u-old")
    assert reused is not None and reused.user_attributes == {}, "no stale Tier inherited"


async def test_events_for_a_user_no_endpoint_has_are_refused(
    database: Database, tmp_path: Path
) -> None:
    """A user-only import row makes a users row with no endpoint: an event for that user id
    would reach no one (a journey whose participants are users would enter them)."""
    path = tmp_path / "users.csv"
    path.write_text("User.UserId,User.UserAttributes.Tier\nu-lone,gold\n", encoding="utf-8")
    report = await import_endpoints(database, path)
    async with database.session() as session:
        user = await get_user(session, "u-lone")
    assert (report.users, user is not None) == (1, True)
    assert await _event_status(database, "u-lone") == "REJECTED"
