"""Sends by day are counted in UTC days on PostgreSQL whatever the server's own time zone
(the dashboard's deliveries page, `GET /v1/metrics/deliveries`, the by-day charts)."""

from __future__ import annotations

from datetime import UTC, datetime

from herald.client import HeraldClient
from herald.models import MessageChannel, MessageStatus
from herald.settings import Settings
from herald.store import Database, upgrade
from herald.store.messages import claim_message, finish_message

SENT_AT = datetime(2026, 3, 10, 23, 30, tzinfo=UTC)  # late evening, UTC


async def test_deliveries_by_day_use_utc_days_whatever_postgres_timezone(
    postgres_url: str,
) -> None:
    """On PostgreSQL whose session time zone is not UTC (the server's `timezone`, often the
    host's zone on a self-hosted install), a message sent at 23:30 UTC on 10 March shows on
    the dashboard's deliveries page (and in /v1/metrics/deliveries, and the journey and
    campaign by-day charts) under 11 March: a day that has not begun, after the window's
    `since` of 10 March 00:00 UTC, and not the day SQLite shows for the same message.

    Expected: days are UTC days, as `since` is: the message counts on 2026-03-10."""
    url = f"{postgres_url}%20-ctimezone%3DPacific/Auckland"  # UTC+13 in March
    upgrade(url)
    database = Database(url)
    try:
        async with database.session() as session:
            await claim_message(
                session, idempotency_key="k-1", channel=MessageChannel.EMAIL,
                endpoint_id="ann", at=SENT_AT,
            )  # fmt: skip
            await finish_message(session, "k-1", MessageStatus.SENT)

        async def clock() -> datetime:
            return datetime(2026, 3, 10, 23, 45, tzinfo=UTC)

        herald = HeraldClient(Settings(database_url=url), database, clock=clock)
        metrics = await herald.delivery_metrics(days=1)
    finally:
        await database.dispose()

    assert metrics.since == datetime(2026, 3, 10, tzinfo=UTC)
    assert [(d.day, d.channel, d.sent) for d in metrics.by_day] == [("2026-03-10", "EMAIL", 1)]
