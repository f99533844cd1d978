"""A Pinpoint journey's timing as Herald's: Schedule (with its UTC±HH:MM timezones),
QuietTime with WaitForQuietTime, OpenHours and ClosedDays, and what does not translate."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta, timezone
from typing import Any

import pytest

from tests.pinpoint.journey_requests import ONE_EMAIL, imported, refused, request

# Schedule


@pytest.mark.parametrize(
    ("zone", "offset"),
    [
        ("UTC", timedelta(0)),
        ("UTC+01", timedelta(hours=1)),
        ("UTC+05:30", timedelta(hours=5, minutes=30)),
        ("UTC+05:45", timedelta(hours=5, minutes=45)),
        ("UTC-08", timedelta(hours=-8)),
        ("UTC-03:30", timedelta(hours=-3, minutes=-30)),
    ],
)
def test_schedule_timezone_is_kept_and_reads_as_its_fixed_offset(
    zone: str, offset: timedelta
) -> None:
    schedule = {
        "StartTime": "2030-01-10T09:00:00",
        "EndTime": "2030-02-10T09:00:00Z",
        "Timezone": zone,
    }
    journey = imported(request(ONE_EMAIL, Schedule=schedule))
    settings = journey.settings.schedule
    assert settings.timezone == zone
    # A start without an offset is in the journey's timezone; one with an offset is kept.
    assert settings.start == datetime(2030, 1, 10, 9, 0, tzinfo=timezone(offset))
    assert settings.end == datetime(2030, 2, 10, 9, 0, tzinfo=UTC)


def test_an_unknown_schedule_timezone_names_the_path_and_allowed_values() -> None:
    problem = refused(request(ONE_EMAIL, Schedule={"Timezone": "PST"}))
    assert problem.startswith("$.Schedule.Timezone: 'PST' is not a timezone; allowed: UTC, UTC+01")
    assert "UTC+05:30" in problem and "UTC-11" in problem


def test_local_time_start_and_end_do_not_translate() -> None:
    schedule = {"StartTime": "2030-01-10T09:00:00Z", "Timezone": "UTC+01"}
    problem = refused(request(ONE_EMAIL, Schedule=schedule, LocalTime=True))
    assert problem.startswith("$.LocalTime: true")


# Quiet time, open hours, closed days


def test_quiet_time_without_wait_for_quiet_time_skips_the_message() -> None:
    quiet = {"Start": "21:00", "End": "08:00"}
    for flag in (False, None):
        extra = {} if flag is None else {"WaitForQuietTime": flag}
        got = imported(request(ONE_EMAIL, QuietTime=quiet, **extra)).settings.quiet_time
        assert got is not None
        assert (got.start, got.end, got.mode) == (time(21), time(8), "skip")


def test_open_hours_and_closed_days_per_channel() -> None:
    hours = {
        "EMAIL": {"MONDAY": [{"StartTime": "09:00", "EndTime": "17:00"}]},
        "SMS": {
            "SATURDAY": [
                {"StartTime": "10:00", "EndTime": "12:00"},
                {"StartTime": "14:00", "EndTime": "16:00"},
            ]
        },
    }
    closed = {
        "EMAIL": [
            {
                "Name": "Christmas",
                "StartDateTime": "2030-12-25T00:00:00",
                "EndDateTime": "2030-12-26T00:00:00",
            }
        ]
    }
    settings = imported(
        request(
            ONE_EMAIL,
            QuietTime={"Start": "22:00", "End": "07:00"},
            SendingSchedule=True,
            OpenHours=hours,
            ClosedDays=closed,
        )
    ).settings
    assert settings.open_hours is not None
    channels = {c.value: days for c, days in settings.open_hours.channels.items()}
    assert [(w.start, w.end) for w in channels["EMAIL"]["MON"]] == [(time(9), time(17))]
    assert [(w.start, w.end) for w in channels["SMS"]["SAT"]] == [
        (time(10), time(12)),
        (time(14), time(16)),
    ]
    [christmas] = settings.closed_days[next(iter(settings.closed_days))]
    assert (christmas.name, christmas.start, christmas.end) == (
        "Christmas",
        datetime(2030, 12, 25),
        datetime(2030, 12, 26),
    )


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            {"OpenHours": {"EMAIL": {"MONDAY": [{"StartTime": "09:00"}]}}},
            "$.OpenHours.EMAIL.MONDAY.0.EndTime: required",
        ),
        (
            {"OpenHours": {"FAX": {"MONDAY": []}}},
            "$.OpenHours.FAX: not a field of Pinpoint's OpenHours; "
            "allowed: EMAIL, SMS, PUSH, VOICE, CUSTOM",
        ),
        (
            {"OpenHours": {"EMAIL": {"MON": []}}},
            "$.OpenHours.EMAIL.MON: allowed MONDAY, TUESDAY",
        ),
        (
            {"ClosedDays": {"SMS": [{"Name": "x", "StartDateTime": "2030-01-01T00:00:00"}]}},
            "$.ClosedDays.SMS.0.EndDateTime: required",
        ),
        (
            {"TimezoneEstimationMethods": ["PHONE_NUMBER"]},
            "$.TimezoneEstimationMethods: Herald does not estimate timezones",
        ),
    ],
)
def test_timing_that_does_not_translate_names_its_path(
    change: dict[str, Any], message: str
) -> None:
    assert refused(request(ONE_EMAIL, **change)).startswith(message)
