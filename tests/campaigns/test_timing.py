"""When each endpoint's message goes in a run (herald.campaigns.timing): a local-time
treatment across a DST change, and local-time delivery in an HOURLY campaign, which must be
over within the hour (its Schedule buffers one run behind a running one and drops the rest);
DAILY local time keeps the run's date on every endpoint's wall."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from herald.apply import apply_definitions
from herald.campaigns.timing import EARLIEST_ZONE, local_send_time, treatment_send_time
from herald.models import DEFINITION_ADAPTER, Endpoint
from herald.models.campaign import Campaign
from herald.models.zones import zone_of
from herald.store import Database
from tests.campaigns.harness import (
    SEGMENT,
    TEMPLATE,
    add_endpoints,
    campaign,
    finished,
    sent_at,
    unique,
)
from tests.workflows.engine import Engine

PARIS = ZoneInfo("Europe/Paris")


def endpoint(zone: str) -> Endpoint:
    return Endpoint.model_validate(
        {
            "Id": "ann",
            "ChannelType": "EMAIL",
            "Address": "ann@example.com",
            "Demographic": {"Timezone": zone},
        }
    )


def with_treatment(schedule: dict[str, Any], treatment_schedule: dict[str, Any]) -> Campaign:
    return Campaign.model_validate(
        {
            "name": "promo",
            "segment": "everyone",
            "messages": [{"channel": "EMAIL", "template": "promo"}],
            "schedule": schedule,
            "treatments": [
                {
                    "name": "b",
                    "size_percent": 50,
                    "messages": [{"channel": "EMAIL", "template": "promo"}],
                    "schedule": treatment_schedule,
                }
            ],
        }
    )


def daily_with_treatment(treatment_schedule: dict[str, Any]) -> Campaign:
    schedule = {
        "frequency": "DAILY",
        "start_time": "2030-01-15T09:00:00+01:00",
        "timezone": "Europe/Paris",
    }
    return with_treatment(schedule, treatment_schedule)


def hourly(**schedule: Any) -> Campaign:
    return Campaign.model_validate(
        {
            "name": "hourly",
            "segment": "everyone",
            "messages": [{"channel": "EMAIL", "template": "promo"}],
            "schedule": {
                "frequency": "HOURLY",
                "start_time": datetime(2030, 1, 15, 9, 30, tzinfo=UTC),
                "local_time": True,
                **schedule,
            },
        }
    )


def test_a_local_time_treatment_keeps_its_wall_time_after_dst() -> None:
    """Campaign daily at 09:00 Paris; treatment b at 15:00 in each endpoint's local time.
    In July (summer time) b still goes at 15:00 on the endpoint's wall, not 14:00."""
    campaign = daily_with_treatment({"start_time": "2030-01-15T15:00:00+01:00", "local_time": True})
    own = campaign.schedule_of("b")
    assert own is not None
    # the July 15 run's fire time, as Temporal gives it (UTC)
    nominal = datetime(2030, 7, 15, 9, 0, tzinfo=PARIS).astimezone(UTC)
    due = treatment_send_time(campaign, own, nominal, endpoint("Europe/Paris"))
    assert due.astimezone(PARIS).replace(tzinfo=None) == datetime(2030, 7, 15, 15, 0)


@pytest.mark.parametrize(
    ("zone", "wall"),
    [
        ("Europe/Paris", datetime(2030, 7, 15, 15, 0)),
        ("America/New_York", datetime(2030, 7, 15, 15, 0)),
        ("Asia/Tokyo", datetime(2030, 7, 15, 15, 0)),
    ],
)
def test_a_local_time_treatment_keeps_its_wall_time_in_every_zone(
    zone: str, wall: datetime
) -> None:
    """Across Europe's change to summer time and New York's (on another date): the wall
    time of the campaign's zone counts the days, so no endpoint's 15:00 moves."""
    campaign = daily_with_treatment({"start_time": "2030-01-15T15:00:00+01:00", "local_time": True})
    own = campaign.schedule_of("b")
    assert own is not None
    for day in (datetime(2030, 3, 20, 9, 0), datetime(2030, 7, 15, 9, 0)):
        nominal = day.replace(tzinfo=PARIS).astimezone(UTC)
        due = treatment_send_time(campaign, own, nominal, endpoint(zone)).astimezone(ZoneInfo(zone))
        assert due.replace(tzinfo=None) == wall.replace(month=day.month, day=day.day)


def test_a_treatment_at_a_time_keeps_its_distance_from_the_run_after_dst() -> None:
    """Not local time: b goes six hours after the run, 15:00 Paris in summer as in winter."""
    campaign = daily_with_treatment({"start_time": "2030-01-15T15:00:00+01:00"})
    own = campaign.schedule_of("b")
    assert own is not None
    nominal = datetime(2030, 7, 15, 9, 0, tzinfo=PARIS).astimezone(UTC)
    due = treatment_send_time(campaign, own, nominal, endpoint("Asia/Tokyo"))
    assert due == nominal + timedelta(hours=6)


def test_hourly_local_time_sends_within_the_hour() -> None:
    """An HOURLY campaign at :30 in each endpoint's local time: the run fired at 09:30 on
    the UTC+14 wall must reach a London endpoint at its next local :30, within the hour,
    not 14 hours later (by then 13 more runs were due)."""
    campaign = hourly()
    fire = datetime(2030, 1, 16, 9, 30, tzinfo=EARLIEST_ZONE)  # a fire of its Schedule
    due = local_send_time(campaign, fire, endpoint("Europe/London"))
    assert timedelta(0) <= due - fire < timedelta(hours=1), (fire.astimezone(UTC), due)


@pytest.mark.parametrize(
    ("zone", "after"),
    [
        ("Europe/London", timedelta(0)),
        ("Pacific/Kiritimati", timedelta(0)),  # UTC+14
        ("Pacific/Honolulu", timedelta(0)),  # UTC-10: not the next day's 09:30
        ("Asia/Kolkata", timedelta(minutes=30)),  # UTC+05:30: :00 there when it fires
        ("Asia/Kathmandu", timedelta(minutes=15)),  # UTC+05:45: :15 there
        ("UTC-03:30", timedelta(minutes=30)),
    ],
)
def test_hourly_local_time_goes_at_the_endpoints_next_minute(zone: str, after: timedelta) -> None:
    fire = datetime(2030, 1, 16, 9, 30, tzinfo=EARLIEST_ZONE)
    due = local_send_time(hourly(), fire, endpoint(zone))
    assert due - fire == after
    assert due.astimezone(zone_of(zone)).minute == 30


LORD_HOWE = ZoneInfo("Australia/Lord_Howe")  # daylight saving time moves it by half an hour


@pytest.mark.parametrize(
    ("fire", "due"),
    [
        # April 7, 2030: at 15:00 UTC its clocks go back from 02:00 to 01:30 (UTC+11 to
        # UTC+10:30). The 14:30 run finds 01:30 there: the first of the two.
        (datetime(2030, 4, 6, 14, 30, tzinfo=UTC), datetime(2030, 4, 6, 14, 30, tzinfo=UTC)),
        (datetime(2030, 4, 6, 15, 30, tzinfo=UTC), datetime(2030, 4, 6, 16, 0, tzinfo=UTC)),
        # October 6: at 15:30 UTC they go from 02:00 to 02:30. A run started at 15:10 UTC
        # (01:40 there; its minute, :10 on the UTC+14 wall) finds the next :10 at 03:10,
        # an hour on, the clock having skipped 02:10.
        (datetime(2030, 10, 5, 15, 10, tzinfo=UTC), datetime(2030, 10, 5, 16, 10, tzinfo=UTC)),
    ],
)
def test_hourly_local_time_across_a_clock_change(fire: datetime, due: datetime) -> None:
    found = local_send_time(hourly(), fire, endpoint("Australia/Lord_Howe"))
    assert found == due
    assert found.astimezone(LORD_HOWE).minute == fire.minute


def test_an_hourly_local_time_treatment_sends_within_the_hour() -> None:
    """HOURLY at :30 Paris, treatment b at :50 in each endpoint's local time: the run at
    09:30 sends b to New York at its next :50, 20 minutes later, not at 09:50 New York."""
    schedule = {
        "frequency": "HOURLY",
        "start_time": "2030-01-15T09:30:00+01:00",
        "timezone": "Europe/Paris",
    }
    campaign = with_treatment(
        schedule, {"start_time": "2030-01-15T09:50:00+01:00", "local_time": True}
    )
    own = campaign.schedule_of("b")
    assert own is not None
    fire = datetime(2030, 7, 16, 9, 30, tzinfo=PARIS)
    for zone in ("America/New_York", "Asia/Tokyo", "Asia/Kolkata"):
        due = treatment_send_time(campaign, own, fire, endpoint(zone))
        assert timedelta(0) <= due - fire < timedelta(hours=1), zone
        assert due.astimezone(ZoneInfo(zone)).minute == 50


@pytest.mark.parametrize(
    ("zone", "local"),
    [
        ("Pacific/Kiritimati", datetime(2030, 1, 16, 10, 0)),
        ("Asia/Tokyo", datetime(2030, 1, 16, 10, 0)),
        ("Europe/London", datetime(2030, 1, 16, 10, 0)),
        ("Pacific/Honolulu", datetime(2030, 1, 16, 10, 0)),  # 24 hours after the fire
    ],
)
def test_daily_local_time_keeps_the_runs_date(zone: str, local: datetime) -> None:
    """DAILY at 10:00 local: the January 16 run reaches every endpoint on its January 16,
    including where 10:00 came the day before, when the run started."""
    campaign = Campaign.model_validate(
        {
            "name": "daily",
            "segment": "everyone",
            "messages": [{"channel": "EMAIL", "template": "promo"}],
            "schedule": {
                "frequency": "DAILY",
                "start_time": datetime(2030, 1, 15, 10, 0, tzinfo=UTC),
                "local_time": True,
            },
        }
    )
    fire = datetime(2030, 1, 16, 10, 0, tzinfo=EARLIEST_ZONE)
    due = local_send_time(campaign, fire, endpoint(zone))
    assert due.astimezone(ZoneInfo(zone)).replace(tzinfo=None) == local


async def test_an_hourly_local_time_run_is_over_within_the_hour(
    engine: Engine, sqlite_database: Database
) -> None:
    """A run of an HOURLY local-time campaign (started by hand: the time-skipping server has
    no Schedules) sends to endpoints all round the world within the hour, so it is over
    before the next run is due."""
    zones = ["Pacific/Kiritimati", "Asia/Kathmandu", "Europe/London", "Pacific/Honolulu"]
    for i, zone in enumerate(zones):
        await add_endpoints(sqlite_database, 2, timezone=zone, prefix=f"z{i}-")
    name = unique()
    start = (await engine.now()).replace(second=0, microsecond=0)
    doc = campaign(name, schedule={"frequency": "HOURLY", "start_time": start, "local_time": True})
    await engine.apply(SEGMENT, TEMPLATE)
    herald = engine.herald
    async with herald.database.session() as session:  # stored, no Schedule (see test_dev)
        await apply_definitions(session, [DEFINITION_ADAPTER.validate_python(doc)])
    started = await engine.now()
    await herald.start_run(name, "hour-1")
    await engine.skip(timedelta(hours=1))
    progress = await finished(engine, name, "hour-1")
    assert progress.counts.sent == 8
    times = await sent_at(sqlite_database, name)
    assert len(times) == 8
    assert all(
        started - timedelta(seconds=1) <= t < started + timedelta(hours=1) for t in times.values()
    )
