"""Recurring campaigns are Temporal Schedules (the dev server runs them; the time-skipping
server has no Schedules): each frequency fires when it should, and a fire sends a run."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from herald.client import HeraldClient
from herald.models import DEFINITION_ADAPTER
from herald.models.campaign_run import campaign_schedule_id
from herald.store import Database
from tests.campaigns.harness import (
    SEGMENT,
    TEMPLATE,
    add_endpoints,
    apply,
    campaign,
    temporal_down,
    unique,
)
from tests.helpers import eventually

START = datetime(2030, 1, 15, 9, 30, tzinfo=ZoneInfo("Europe/Paris"))  # a Tuesday


async def next_fires(herald: HeraldClient, name: str) -> list[datetime]:
    handle = (await herald.temporal()).get_schedule_handle(campaign_schedule_id(name))
    described = await handle.describe()
    return [t.astimezone(UTC) for t in described.info.next_action_times[:3]]


def paris(year: int, month: int, day: int, hour: int, minute: int) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=ZoneInfo("Europe/Paris")).astimezone(UTC)


@pytest.mark.parametrize(
    ("schedule", "expected"),
    [
        ({"frequency": "HOURLY"}, [paris(2030, 1, 15, h, 30) for h in (9, 10, 11)]),
        ({"frequency": "DAILY"}, [paris(2030, 1, d, 9, 30) for d in (15, 16, 17)]),
        ({"frequency": "WEEKLY"}, [paris(2030, 1, d, 9, 30) for d in (15, 22, 29)]),
        ({"frequency": "MONTHLY"}, [paris(2030, m, 15, 9, 30) for m in (1, 2, 3)]),
        (
            {"frequency": "CRON", "cron": "0 8 * * MON"},
            [paris(2030, 1, d, 8, 0) for d in (21, 28)] + [paris(2030, 2, 4, 8, 0)],
        ),
    ],
)
async def test_each_frequency_is_a_schedule_firing_at_its_times(
    herald: HeraldClient, schedule: dict[str, Any], expected: list[datetime]
) -> None:
    name = unique()
    doc = campaign(name, schedule={**schedule, "start_time": START, "timezone": "Europe/Paris"})
    await apply(herald, SEGMENT, TEMPLATE, doc)
    assert await next_fires(herald, name) == expected
    await herald.campaign_control(name, "cancel")


def fixed(offset: str, *when: int) -> datetime:
    """A wall time at a fixed UTC offset ("+10:30"), in UTC."""
    sign, hours, minutes = offset[0], int(offset[1:3]), int(offset[4:6])
    shift = timedelta(hours=hours, minutes=minutes) * (1 if sign == "+" else -1)
    year, month, day, hour, minute = when
    return datetime(year, month, day, hour, minute, tzinfo=UTC) - shift


@pytest.mark.parametrize(
    ("offset", "start", "frequency", "expected"),
    [
        # Tuesday 08:00 at UTC+10:30 is Monday 21:30 in UTC: every week on that Monday.
        ("+10:30", (2030, 1, 15, 8, 0), "WEEKLY", [(2030, 1, d, 8, 0) for d in (15, 22, 29)]),
        # 22:00 at UTC-03:30 is 01:30 the next day in UTC, in July as in January: no DST.
        ("-03:30", (2030, 7, 15, 22, 0), "DAILY", [(2030, 7, d, 22, 0) for d in (15, 16, 17)]),
        ("+12:45", (2030, 1, 15, 10, 0), "MONTHLY", [(2030, m, 15, 10, 0) for m in (1, 2, 3)]),
        ("+13:45", (2030, 1, 15, 10, 0), "HOURLY", [(2030, 1, 15, h, 0) for h in (10, 11, 12)]),
    ],
)
async def test_an_offset_with_minutes_fires_at_its_wall_time_all_year(
    herald: HeraldClient,
    offset: str,
    start: tuple[int, ...],
    frequency: str,
    expected: list[tuple[int, ...]],
) -> None:
    """Pinpoint's UTC-03:30 or UTC+10:30 has no IANA zone keeping it all year (St John's and
    Lord Howe move with daylight saving time): the Schedule is written in UTC instead."""
    name = unique()
    schedule = {
        "frequency": frequency,
        "start_time": fixed(offset, *start),
        "timezone": f"UTC{offset}",
    }
    await apply(herald, SEGMENT, TEMPLATE, campaign(name, schedule=schedule))
    assert await next_fires(herald, name) == [fixed(offset, *t) for t in expected]
    await herald.campaign_control(name, "cancel")


async def test_a_fire_sends_a_run_and_pause_pauses_the_schedule(
    herald: HeraldClient, sqlite_database: Database
) -> None:
    await add_endpoints(sqlite_database, 5)
    name = unique()
    start = datetime.now(UTC) + timedelta(days=1)
    await apply(
        herald,
        SEGMENT,
        TEMPLATE,
        campaign(name, schedule={"frequency": "DAILY", "start_time": start}),
    )
    handle = (await herald.temporal()).get_schedule_handle(campaign_schedule_id(name))
    await handle.trigger()
    status = await eventually(
        lambda: herald.campaign_status(name),
        lambda s: bool(s.runs) and s.runs[0].state.value == "COMPLETED",
        what="a scheduled run",
    )
    assert status.runs[0].run.startswith("scheduled-") and status.runs[0].sent == 5
    assert status.state.value == "PENDING_NEXT_RUN"
    await herald.campaign_control(name, "pause")
    assert (await handle.describe()).schedule.state.paused
    assert (await herald.campaign_status(name)).state.value == "PAUSED"
    await herald.campaign_control(name, "resume")
    assert not (await handle.describe()).schedule.state.paused
    await herald.campaign_control(name, "cancel")


async def test_a_cancelled_recurring_campaign_applied_again_is_scheduled_and_runs(
    herald: HeraldClient, sqlite_database: Database
) -> None:
    """Cancel deletes the Schedule; applied again (changed) the campaign gets it back, shows
    SCHEDULED, and a fire sends a run whose id no earlier run had."""
    await add_endpoints(sqlite_database, 5)
    name = unique()
    start = datetime.now(UTC) + timedelta(days=1)
    doc = campaign(name, schedule={"frequency": "DAILY", "start_time": start})
    await apply(herald, SEGMENT, TEMPLATE, doc)
    temporal = await herald.temporal()
    await temporal.get_schedule_handle(campaign_schedule_id(name)).trigger()
    await eventually(
        lambda: herald.campaign_status(name),
        lambda s: bool(s.runs) and s.runs[0].state.value == "COMPLETED",
        what="the first scheduled run",
    )
    await herald.campaign_control(name, "cancel")
    assert (await herald.campaign_status(name)).state.value == "CANCELLED"

    await apply(herald, {**doc, "batch_size": 500})
    [listed] = [s for s in await herald.campaigns() if s.name == name]
    assert (await herald.campaign_status(name)).state.value == listed.state.value == "SCHEDULED"
    handle = temporal.get_schedule_handle(campaign_schedule_id(name))
    await handle.trigger()  # the Schedule is back
    status = await eventually(
        lambda: herald.campaign_status(name),
        lambda s: len(s.runs) == 2 and s.runs[0].state.value == "COMPLETED",
        what="a run of the campaign scheduled anew",
    )
    new, old = status.runs
    assert new.run.startswith("scheduled-2-") and old.run.startswith("scheduled-")
    assert (new.sent, old.sent, status.state.value) == (5, 5, "PENDING_NEXT_RUN")
    await herald.campaign_control(name, "cancel")


async def test_a_schedule_missed_while_temporal_was_down_is_made_once_and_kept_paused(
    herald: HeraldClient, sqlite_database: Database
) -> None:
    """Stored while Temporal was unreachable, a recurring campaign gets its Schedule when it
    is applied again unchanged. Paused then, and applied again, its Schedule is not written
    again: it stays paused, with the pause's note."""
    name = unique()
    start = datetime.now(UTC) + timedelta(days=1)
    doc = campaign(name, schedule={"frequency": "DAILY", "start_time": start})
    docs = [DEFINITION_ADAPTER.validate_python(d) for d in (SEGMENT, TEMPLATE, doc)]
    async with temporal_down(sqlite_database) as down:
        await down.apply(docs)
    [made] = [r for r in await herald.apply(docs) if r.kind == "Campaign"]
    schedule_id = campaign_schedule_id(name)
    assert (made.changed, made.note) == (False, f"daily runs on Temporal Schedule {schedule_id}")

    await herald.campaign_control(name, "pause")
    [kept] = [r for r in await herald.apply(docs) if r.kind == "Campaign"]
    assert (kept.changed, kept.note) == (False, None)
    handle = (await herald.temporal()).get_schedule_handle(schedule_id)
    state = (await handle.describe()).schedule.state
    assert (state.paused, state.note) == (True, "paused with herald campaigns pause")
    await herald.campaign_control(name, "cancel")
