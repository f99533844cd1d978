"""Finding the endpoints a reply came from, on SQLite and PostgreSQL: an email sender matches
its endpoints whatever the case of its address, through the index on lower(address)."""

from __future__ import annotations

from sqlalchemy import text

from herald.models import Endpoint
from herald.store import Database
from herald.store.endpoints import upsert_endpoints
from herald.store.inbound import endpoints_at
from tests.sql_capture import query_plan, statements_run


def _email(endpoint_id: str, address: str) -> Endpoint:
    return Endpoint.model_validate({"Id": endpoint_id, "ChannelType": "EMAIL", "Address": address})


async def test_an_email_sender_finds_every_endpoint_whatever_the_case(database: Database) -> None:
    async with database.session() as session:
        await upsert_endpoints(
            session,
            [
                _email("jane", "Jane.Doe@example.com"),
                _email("jane-again", "jane.doe@example.com"),  # differs only by case
                _email("john", "John@example.com"),
                # Non-ASCII: SQLite's lower() folds ASCII only, so an exact match must still
                # be found without relying on both sides folding alike.
                _email("jose", "JOSÉ@example.com"),
            ],
        )
    async with database.session() as session:
        assert await endpoints_at(session, "EMAIL", "JANE.DOE@example.com") == [
            "jane",
            "jane-again",
        ]
        assert await endpoints_at(session, "EMAIL", "Jane.Doe@example.com") == [
            "jane",
            "jane-again",
        ]
        assert await endpoints_at(session, "EMAIL", "john@example.com") == ["john"]
        assert await endpoints_at(session, "EMAIL", "JOSÉ@example.com") == ["jose"]
        assert await endpoints_at(session, "SMS", "john@example.com") == []


async def test_an_email_sender_is_found_through_the_lower_address_index(
    database: Database,
) -> None:
    # Enough endpoints, all EMAIL, for the planner to know that channel_type narrows nothing
    # and lower(address) narrows to one row, as on a real audience.
    async with database.session() as session:
        await upsert_endpoints(
            session, [_email(f"e-{n}", f"Person.{n}@example.com") for n in range(200)]
        )
        if database.dialect == "postgresql":
            await session.execute(text("ANALYZE endpoints"))
    if database.dialect == "sqlite":
        async with database.engine.connect() as connection:
            await connection.execute(text("ANALYZE"))

    with statements_run(database) as statements:
        async with database.session() as session:
            assert await endpoints_at(session, "EMAIL", "PERSON.7@example.com") == ["e-7"]
    [looked_up] = [s for s in statements if "FROM endpoints" in s[0]]
    lines = await query_plan(database, looked_up)
    assert any("ix_endpoints_address_lower" in line for line in lines), lines
