"""Each schedule kind under time skipping: at once, at a time, local time, event-triggered;
recurring runs (what a Temporal Schedule starts) keep one message per endpoint per run."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from herald.apply import apply_definitions
from herald.models import DEFINITION_ADAPTER, Event
from herald.store import Database
from tests.campaigns.harness import (
    SEGMENT,
    TEMPLATE,
    add_endpoints,
    campaign,
    finished,
    message_counts,
    sent_at,
    unique,
)
from tests.helpers import eventually
from tests.workflows.engine import Engine


async def test_at_a_time_waits_for_its_start(engine: Engine, sqlite_database: Database) -> None:
    await add_endpoints(sqlite_database, 20)
    name = unique()
    start = (await engine.now() + timedelta(days=2)).replace(microsecond=0)
    await engine.apply(SEGMENT, TEMPLATE, campaign(name, schedule={"start_time": start}))
    status = await engine.herald.campaign_status(name)
    assert status.state.value == "SCHEDULED" and status.runs == []
    await engine.skip(timedelta(days=2, minutes=1))
    await finished(engine, name)
    times = await sent_at(sqlite_database, name)
    assert len(times) == 20 and min(times.values()) >= start
    assert (await engine.herald.campaign_status(name)).state.value == "COMPLETED"


async def test_local_time_sends_at_each_endpoints_own_wall_time(
    engine: Engine, sqlite_database: Database
) -> None:
    await add_endpoints(sqlite_database, 3, timezone="Asia/Tokyo", prefix="tokyo")
    await add_endpoints(sqlite_database, 3, timezone="America/New_York", prefix="ny")
    name = unique()
    day = (await engine.now() + timedelta(days=3)).date()
    start = datetime(day.year, day.month, day.day, 10, 0, tzinfo=UTC)
    await engine.apply(
        SEGMENT,
        TEMPLATE,
        campaign(name, schedule={"start_time": start, "local_time": True}),
    )
    await engine.skip(timedelta(days=4))
    await finished(engine, name)
    times = await sent_at(sqlite_database, name)
    tokyo = {t for e, t in times.items() if e.startswith("tokyo")}
    new_york = {t for e, t in times.items() if e.startswith("ny")}
    # 10:00 on the wall in Tokyo (UTC+9) and New York (UTC-5 or -4): one instant per zone.
    assert [t.astimezone(UTC) for t in tokyo] == [start - timedelta(hours=9)]
    [ny] = new_york
    assert ny.astimezone(UTC) - start in (timedelta(hours=4), timedelta(hours=5))


async def test_event_triggered_sends_to_the_events_endpoint_once(
    engine: Engine, sqlite_database: Database
) -> None:
    await add_endpoints(sqlite_database, 3)
    name = unique()
    schedule = {"frequency": "EVENT", "event": {"event_type": "purchase"}}
    await engine.apply(SEGMENT, TEMPLATE, campaign(name, schedule=schedule))
    event = Event(
        id="ev-1", endpoint_id="e000001", event_type="purchase", timestamp=await engine.now()
    )
    await engine.herald.put_event(event)
    await engine.herald.put_event(event)  # delivered twice: recorded and sent once
    await finished(engine, name, "event-ev-1")
    assert await message_counts(sqlite_database, name) == {("SENT", "default"): 1}
    assert list(await sent_at(sqlite_database, name)) == ["e000001"]


async def test_event_older_than_five_minutes_is_dropped(
    engine: Engine, sqlite_database: Database
) -> None:
    await add_endpoints(sqlite_database, 1)
    name = unique()
    schedule = {"frequency": "EVENT", "event": {"event_type": "purchase"}}
    await engine.apply(SEGMENT, TEMPLATE, campaign(name, schedule=schedule))
    late = await engine.now() - timedelta(minutes=6)
    await engine.herald.put_event(
        Event(id="ev-old", endpoint_id="e000000", event_type="purchase", timestamp=late)
    )
    await finished(engine, name, "event-ev-old")
    assert await message_counts(sqlite_database, name) == {}
    status = await engine.herald.campaign_status(name)
    [run] = status.runs
    assert run.skipped == 1 and "deadline" in next(iter(run.skipped_reasons))


async def test_recurring_runs_each_send_once_and_caps_hold(
    engine: Engine, sqlite_database: Database
) -> None:
    """What a DAILY Schedule starts: run after run, a day apart; the total cap of 2 stops
    the third, the daily cap of 1 the second run on the same day."""
    await add_endpoints(sqlite_database, 5)
    name = unique()
    doc = campaign(
        name,
        schedule={"frequency": "DAILY", "start_time": await engine.now()},
        limits={"daily": 1, "total": 2},
    )
    await engine.apply(SEGMENT, TEMPLATE)
    herald = engine.herald
    async with herald.database.session() as session:  # stored, no Schedule (see test_dev)
        await apply_definitions(session, [DEFINITION_ADAPTER.validate_python(doc)])
    for run in ("day-1", "day-1-again"):
        await herald.start_run(name, run)
        await finished(engine, name, run)
    await engine.skip(timedelta(days=1, minutes=1))
    for run in ("day-2", "day-3"):
        await herald.start_run(name, run)
        await finished(engine, name, run)
        await engine.skip(timedelta(days=1, minutes=1))
    status = await herald.campaign_status(name)
    by_run = {r.run: r for r in status.runs}
    assert (by_run["day-1"].sent, by_run["day-2"].sent) == (5, 5)
    assert by_run["day-1-again"].skipped_reasons == {"daily cap reached (1 message(s))": 5}
    assert by_run["day-3"].skipped_reasons == {"total cap reached (2 message(s))": 5}
    assert await message_counts(sqlite_database, name) == {
        ("SENT", "default"): 10,
        ("SKIPPED", "default"): 10,
    }
    assert status.state.value == "PENDING_NEXT_RUN"
    await eventually(lambda: herald.campaign_status(name), lambda s: len(s.runs) == 4)


async def test_maximum_duration_skips_what_is_not_sent_in_time(
    engine: Engine, sqlite_database: Database
) -> None:
    """Local time at 10:00 with two hours to send: Tokyo's 10:00 comes in time, New York's
    does not (it is 14 hours later) and is skipped when the run's time is up."""
    await add_endpoints(sqlite_database, 2, timezone="Asia/Tokyo", prefix="tokyo")
    await add_endpoints(sqlite_database, 2, timezone="America/New_York", prefix="ny")
    name = unique()
    day = (await engine.now() + timedelta(days=3)).date()
    start = datetime(day.year, day.month, day.day, 10, 0, tzinfo=UTC)
    schedule = {"start_time": start, "local_time": True}
    await engine.apply(
        SEGMENT, TEMPLATE, campaign(name, schedule=schedule, limits={"maximum_duration": "PT6H"})
    )
    await engine.skip(timedelta(days=4))
    await finished(engine, name)
    assert sorted(await sent_at(sqlite_database, name)) == ["tokyo000000", "tokyo000001"]
    [run] = (await engine.herald.campaign_status(name)).runs
    assert run.skipped == 2 and "deadline" in next(iter(run.skipped_reasons))
