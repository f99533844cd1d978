"""The suppression list on SQLite and PostgreSQL: an email suppression matches its address
whatever the case of the local part (mail systems ignore it, endpoints keep it as imported),
through the index on (channel, lower(address)); other channels match exactly."""

from __future__ import annotations

from sqlalchemy import insert

from herald.models import AddressProblem, MessageChannel
from herald.store import Database, make_sync_engine, upgrade
from herald.store.clock import utcnow
from herald.store.inbound import set_opt_out
from herald.store.migrate import current, heads
from herald.store.suppressions import (
    find_suppression,
    lift_suppression,
    list_suppressions,
    suppress,
)
from herald.store.tables import SuppressionRow
from herald.transactional.suppression_client import SuppressionMethods
from tests.sql_capture import Statement, query_plan, statements_run

EMAIL, SMS, PUSH = MessageChannel.EMAIL, MessageChannel.SMS, MessageChannel.PUSH
INVALID, OPTED_OUT = AddressProblem.INVALID, AddressProblem.OPTED_OUT


class _Client(SuppressionMethods):
    """The client methods the CLI and the HTTP API call, over the test's database."""

    def __init__(self, database: Database) -> None:
        self.database = database


async def _reason(database: Database, channel: MessageChannel, address: str) -> str | None:
    async with database.session() as session:
        found = await find_suppression(session, channel, address)
        return None if found is None else found.reason


async def _stored(database: Database) -> list[tuple[str, str, str]]:
    async with database.session() as session:
        rows = await list_suppressions(session)
    return sorted((r.channel, r.address, r.reason) for r in rows)


async def _insert_raw(database: Database, *rows: tuple[str, str, str]) -> None:
    """Rows as a database from before this fix may hold: case variants of one address."""
    async with database.session() as session:
        await session.execute(
            insert(SuppressionRow),
            [
                {"channel": c, "address": a, "reason": r, "detail": None, "created_at": utcnow()}
                for c, a, r in rows
            ],
        )


async def test_an_email_suppression_matches_the_address_in_any_case(database: Database) -> None:
    async with database.session() as session:
        await suppress(session, EMAIL, "jane.doe@example.com", OPTED_OUT)
        # Non-ASCII: SQLite's lower() folds ASCII only; the exact address must still match.
        await suppress(session, EMAIL, "JOSÉ@example.com", INVALID)
    assert await _reason(database, EMAIL, "Jane.Doe@example.com") == "OPTED_OUT"
    assert await _reason(database, EMAIL, "JANE.DOE@example.com") == "OPTED_OUT"
    assert await _reason(database, EMAIL, "jane.doe@example.com") == "OPTED_OUT"
    assert await _reason(database, EMAIL, "JOSÉ@example.com") == "INVALID"
    assert await _reason(database, EMAIL, "jane.doe2@example.com") is None
    assert await _reason(database, SMS, "jane.doe@example.com") is None  # another channel


async def test_other_channels_match_exactly(database: Database) -> None:
    # A push token is case-sensitive: one differing by case is another device.
    async with database.session() as session:
        await suppress(session, PUSH, "AbCdEf", INVALID)
        await suppress(session, SMS, "+15550100", OPTED_OUT)
    assert await _reason(database, PUSH, "AbCdEf") == "INVALID"
    assert await _reason(database, PUSH, "abcdef") is None
    assert await _reason(database, SMS, "+15550100") == "OPTED_OUT"
    async with database.session() as session:
        assert await lift_suppression(session, PUSH, "ABCDEF") is False
    assert await _stored(database) == [
        ("PUSH", "AbCdEf", "INVALID"),
        ("SMS", "+15550100", "OPTED_OUT"),
    ]


async def test_suppressing_again_in_another_case_refreshes_the_entry(database: Database) -> None:
    async with database.session() as session:
        await suppress(session, EMAIL, "jane.doe@example.com", OPTED_OUT)
    async with database.session() as session:
        await suppress(session, EMAIL, "Jane.Doe@example.com", INVALID, "bounced")
    assert await _stored(database) == [("EMAIL", "jane.doe@example.com", "INVALID")]
    async with database.session() as session:
        assert await lift_suppression(session, EMAIL, "JANE.DOE@example.com") is True
    assert await _stored(database) == []


async def test_lifting_removes_every_case_variant(database: Database) -> None:
    await _insert_raw(
        database,
        ("EMAIL", "jane.doe@example.com", "OPTED_OUT"),
        ("EMAIL", "Jane.Doe@example.com", "OPTED_OUT"),
        ("EMAIL", "john@example.com", "OPTED_OUT"),
    )
    # Either variant answers a lookup.
    assert await _reason(database, EMAIL, "JANE.doe@example.com") == "OPTED_OUT"
    async with database.session() as session:
        assert await lift_suppression(session, EMAIL, "JANE.DOE@example.com") is True
    assert await _reason(database, EMAIL, "Jane.Doe@example.com") is None
    assert await _stored(database) == [("EMAIL", "john@example.com", "OPTED_OUT")]
    async with database.session() as session:
        assert await lift_suppression(session, EMAIL, "jane.doe@example.com") is False


async def test_the_client_lifts_what_it_suppressed_whatever_the_case(database: Database) -> None:
    client = _Client(database)
    assert await client.suppress(EMAIL, "jane.doe@Example.com") == "jane.doe@example.com"
    assert await _reason(database, EMAIL, "Jane.Doe@example.com") == "OPTED_OUT"
    assert await client.lift_suppression(EMAIL, "Jane.Doe@EXAMPLE.com") is True
    assert await client.suppressions() == []


async def test_a_start_reply_in_another_case_lifts_the_opt_out(database: Database) -> None:
    async with database.session() as session:
        await set_opt_out(session, EMAIL, "Jane.Doe@example.com", [], True)
    async with database.session() as session:
        await set_opt_out(session, EMAIL, "jane.doe@example.com", [], False)
    assert await _stored(database) == []


async def test_an_email_suppression_is_found_through_the_lower_address_index(
    database: Database,
) -> None:
    # Enough rows, all EMAIL, for the planner to know that lower(address) narrows to one row.
    await _insert_raw(
        database, *[("EMAIL", f"Person.{n}@example.com", "INVALID") for n in range(200)]
    )
    with statements_run(database) as statements:
        assert await _reason(database, EMAIL, "PERSON.7@example.com") == "INVALID"
    [looked_up] = [s for s in statements if "FROM suppressions" in s[0]]

    await assert_looked_up_by_lower_address(database, looked_up)


async def assert_looked_up_by_lower_address(database: Database, statement: Statement) -> None:
    """The statement finds suppressions by searching ix_suppressions_address_lower on both
    its columns, (channel, lower(address)): not by reading the list, nor the whole channel."""
    lines = await query_plan(database, statement, analyze="suppressions")
    if database.dialect == "sqlite":
        searched = (
            "SEARCH suppressions USING INDEX ix_suppressions_address_lower (channel=? AND <expr>=?)"
        )
        assert any(searched in line for line in lines), lines
    else:
        assert any("Index Scan using ix_suppressions_address_lower" in line for line in lines), (
            lines
        )
        conditions = [line for line in lines if "Index Cond" in line and "channel" in line]
        assert conditions and all("lower((address)::text) =" in c for c in conditions), lines


async def test_upgrading_a_list_with_case_variants_keeps_them_and_lifts_them(
    database_url: str,
) -> None:
    # Before 0017 nothing stopped two rows differing only by case: the index is not unique,
    # so the upgrade succeeds on such a list, and lifting then removes both rows.
    upgrade(database_url, "0004")
    engine = make_sync_engine(database_url)
    try:
        with engine.begin() as connection:
            connection.execute(
                insert(SuppressionRow),
                [
                    {
                        "channel": "EMAIL",
                        "address": a,
                        "reason": "OPTED_OUT",
                        "created_at": utcnow(),
                    }
                    for a in ("jane.doe@example.com", "Jane.Doe@example.com")
                ],
            )
    finally:
        engine.dispose()
    upgrade(database_url)
    assert current(database_url) == heads()
    database = Database(database_url)
    try:
        assert await _reason(database, EMAIL, "JANE.DOE@example.com") == "OPTED_OUT"
        async with database.session() as session:
            assert await lift_suppression(session, EMAIL, "JANE.DOE@example.com") is True
        assert await _stored(database) == []
    finally:
        await database.dispose()
