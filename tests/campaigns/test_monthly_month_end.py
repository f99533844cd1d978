"""A MONTHLY campaign that starts on the 29th, 30th or 31st runs every month, as a Pinpoint
or Braze user expects, not only in the months that have that day: a month without it runs
on its last day (February 29 in a leap year). Read from the Temporal Schedule's next fire
times on the dev server (the time-skipping server has no Schedules)."""

from __future__ import annotations

import calendar
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from herald.campaigns.schedules import COMMON_YEARS
from herald.campaigns.timing import EARLIEST_ZONE
from herald.client import HeraldClient
from herald.models.campaign_run import campaign_schedule_id
from tests.campaigns.harness import SEGMENT, TEMPLATE, apply, campaign, unique

PARIS = ZoneInfo("Europe/Paris")


async def next_fires(herald: HeraldClient, name: str, count: int) -> list[datetime]:
    handle = (await herald.temporal()).get_schedule_handle(campaign_schedule_id(name))
    described = await handle.describe()
    return [t.astimezone(UTC) for t in described.info.next_action_times[:count]]


def at(zone: ZoneInfo, year: int, month: int, day: int, hour: int, minute: int) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=zone).astimezone(UTC)


def fixed(offset: timedelta, year: int, month: int, day: int, hour: int, minute: int) -> datetime:
    """A wall time at a fixed UTC offset, in UTC."""
    return datetime(year, month, day, hour, minute, tzinfo=UTC) - offset


ST_JOHNS_WINTER = -timedelta(hours=3, minutes=30)  # Pinpoint's UTC-03:30


async def test_monthly_from_the_31st_runs_every_month(herald: HeraldClient) -> None:
    start = datetime(2030, 1, 31, 9, 30, tzinfo=PARIS)
    name = unique()
    doc = campaign(
        name,
        schedule={"frequency": "MONTHLY", "start_time": start, "timezone": "Europe/Paris"},
    )
    await apply(herald, SEGMENT, TEMPLATE, doc)
    try:
        fires = await next_fires(herald, name, 4)
    finally:
        await herald.campaign_control(name, "cancel")
    months = [(t.year, t.month) for t in fires]
    # January, then February (its last day), March, April: one run a month.
    assert months == [(2030, 1), (2030, 2), (2030, 3), (2030, 4)], fires


@pytest.mark.parametrize(
    ("schedule", "expected"),
    [
        # The 31st in Paris: months of 30 days on the 30th, February on the 28th; in summer
        # time as in winter, at 09:30 on the wall.
        (
            {"start_time": datetime(2030, 1, 31, 9, 30, tzinfo=PARIS), "timezone": "Europe/Paris"},
            [
                at(PARIS, 2030, m, d, 9, 30)
                for m, d in [(1, 31), (2, 28), (3, 31), (4, 30), (5, 31), (6, 30), (7, 31)]
            ],
        ),
        # The 30th, into a leap year: February 29, 2032.
        (
            {"start_time": datetime(2031, 12, 30, 8, 0, tzinfo=UTC)},
            [
                datetime(y, m, d, 8, 0, tzinfo=UTC)
                for y, m, d in [(2031, 12, 30), (2032, 1, 30), (2032, 2, 29), (2032, 3, 30)]
            ],
        ),
        # The 29th: February 28 in a common year, and not twice in March.
        (
            {"start_time": datetime(2031, 1, 29, 8, 0, tzinfo=UTC)},
            [datetime(2031, m, d, 8, 0, tzinfo=UTC) for m, d in [(1, 29), (2, 28), (3, 29)]],
        ),
        # Local time: the wall time at UTC+14, the frame each endpoint's own is read from.
        (
            {
                "start_time": datetime(2030, 3, 31, 10, 0, tzinfo=PARIS),
                "timezone": "Europe/Paris",
                "local_time": True,
            },
            [at(EARLIEST_ZONE, 2030, m, d, 10, 0) for m, d in [(3, 31), (4, 30), (5, 31)]],
        ),
        # A fixed offset with minutes is written in UTC: the 31st at 10:00 is the 31st at
        # 13:30 in UTC, and the last day of a shorter month there too.
        (
            {
                "start_time": fixed(ST_JOHNS_WINTER, 2030, 1, 31, 10, 0),
                "timezone": "UTC-03:30",
            },
            [fixed(ST_JOHNS_WINTER, 2030, m, d, 10, 0) for m, d in [(1, 31), (2, 28), (3, 31)]],
        ),
    ],
    ids=["31st-paris", "30th-leap-year", "29th-common-year", "local-time", "fixed-offset"],
)
async def test_a_month_without_the_day_runs_on_its_last(
    herald: HeraldClient, schedule: dict[str, Any], expected: list[datetime]
) -> None:
    name = unique()
    await apply(
        herald, SEGMENT, TEMPLATE, campaign(name, schedule={"frequency": "MONTHLY", **schedule})
    )
    try:
        assert await next_fires(herald, name, len(expected)) == expected
    finally:
        await herald.campaign_control(name, "cancel")


def test_the_common_years_are_those_without_a_29_february() -> None:
    """Temporal's calendars know the years 2000 to 2100 (and refuse others in a spec)."""
    listed = {y for r in COMMON_YEARS for y in range(r.start, r.end + 1, r.step)}
    assert listed == {y for y in range(2000, 2101) if not calendar.isleap(y)}
