"""Bad campaign definitions are refused at apply, naming the field; nothing is applied."""

from __future__ import annotations

from typing import Any

import pytest

from herald.apply import apply_definitions
from herald.definitions import DefinitionError, validate_documents
from herald.store import Database
from herald.store.campaigns import list_campaigns
from tests.campaigns.harness import SEGMENT, TEMPLATE, campaign


def refused(doc: dict[str, Any]) -> str:
    with pytest.raises(DefinitionError) as error:
        validate_documents([doc], "promo.yaml")
    return "\n".join(error.value.problems)


def test_treatment_percentages_over_100_are_refused() -> None:
    doc = campaign(
        "promo",
        holdout_percent=30,
        treatments=[
            {"name": "b", "size_percent": 50, "messages": [{"channel": "EMAIL", "template": "t"}]},
            {"name": "c", "size_percent": 40, "messages": [{"channel": "EMAIL", "template": "t"}]},
        ],
    )
    problem = refused(doc)
    assert "promo.yaml: document 1 (Campaign 'promo')" in problem
    assert "treatments[*].size_percent (90) plus holdout_percent (30) is 120%" in problem


def test_more_than_five_treatments_are_refused() -> None:
    arm = {"size_percent": 10, "messages": [{"channel": "EMAIL", "template": "t"}]}
    doc = campaign("promo", treatments=[{"name": f"t{i}", **arm} for i in range(5)])
    assert "treatments: List should have at most 4 items" in refused(doc)


def test_end_before_start_is_refused() -> None:
    schedule = {
        "frequency": "DAILY",
        "start_time": "2027-01-02T10:00:00Z",
        "end_time": "2027-01-01T10:00:00Z",
    }
    assert "schedule: end_time: must be after start_time" in refused(
        campaign("promo", schedule=schedule)
    )


@pytest.mark.parametrize(
    ("cron", "expected"),
    [
        ("0 10 * *", "expected 5 fields"),
        ("0 25 * * *", "hour '25': '25' is outside 0-23"),
        ("0 10 * * FUNDAY", "day of week 'FUNDAY'"),
        ("*/0 10 * * *", "a step must be 1 or more"),
    ],
)
def test_a_cron_that_does_not_parse_is_refused(cron: str, expected: str) -> None:
    problem = refused(campaign("promo", schedule={"frequency": "CRON", "cron": cron}))
    assert "schedule.cron:" in problem and expected in problem


def test_a_cron_that_parses_is_taken() -> None:
    doc = campaign("promo", schedule={"frequency": "CRON", "cron": "30 9 1-7 JAN,JUL MON"})
    [definition] = validate_documents([doc], "promo.yaml")
    assert definition.kind == "Campaign"


@pytest.mark.parametrize(
    ("schedule", "expected"),
    [
        (
            {"frequency": "CRON", "cron": "0 9 * * *", "timezone": "UTC+05:30"},
            "(Campaign 'promo'): schedule: timezone: UTC+05:30 has minutes; a CRON schedule "
            "needs an IANA zone such as America/St_Johns",
        ),
        (
            {"frequency": "MONTHLY", "timezone": "UTC-03:30"},
            "schedule: start_time: a MONTHLY schedule in UTC-03:30 needs one",
        ),
        (
            {"frequency": "MONTHLY", "start_time": "2030-01-01T08:00:00+10:30",
             "timezone": "UTC+10:30"},
            "start_time: day 1 at 08:00 in UTC+10:30 is day 31 in UTC, which no monthly "
            "calendar follows",
        ),
        (
            {"frequency": "MONTHLY", "start_time": "2030-01-31T08:00:00+10:30",
             "timezone": "UTC+10:30"},
            "start_time: day 31 at 08:00 in UTC+10:30 is day 30 in UTC",
        ),
        (
            {"frequency": "DAILY", "timezone": "UTC+15"},
            "schedule.timezone: unknown timezone 'UTC+15'; use an IANA name such as Europe/Paris, "
            "or a UTC offset such as UTC, UTC+01, UTC-08, UTC+05:30",
        ),
    ],
)  # fmt: skip
def test_an_offset_with_minutes_is_refused_where_no_utc_calendar_keeps_it(
    schedule: dict[str, Any], expected: str
) -> None:
    assert expected in refused(campaign("promo", schedule=schedule))


def test_an_offset_with_minutes_is_taken_where_a_utc_calendar_keeps_it() -> None:
    monthly = {"frequency": "MONTHLY", "start_time": "2030-01-15T08:00:00+10:30"}
    for schedule in (
        {**monthly, "timezone": "UTC+10:30"},
        {"frequency": "CRON", "cron": "0 9 * * *", "timezone": "UTC+05"},
        {"frequency": "CRON", "cron": "0 9 * * *", "timezone": "UTC+10:30", "local_time": True},
    ):
        [loaded] = validate_documents([campaign("promo", schedule=schedule)], "promo.yaml")
        assert loaded.kind == "Campaign"


def test_event_campaign_needs_its_event() -> None:
    assert "event: required with frequency EVENT" in refused(
        campaign("promo", schedule={"frequency": "EVENT"})
    )


async def test_unknown_segment_and_template_are_refused_at_apply(database: Database) -> None:
    doc = campaign(
        "promo",
        segment="nobody",
        messages=[{"channel": "EMAIL", "template": "missing"}],
        treatments=[
            {"name": "b", "size_percent": 20, "messages": [{"channel": "SMS", "template": "promo"}]}
        ],
    )
    definitions = validate_documents([TEMPLATE, doc], "promo.yaml")
    with pytest.raises(DefinitionError) as error:
        async with database.session() as session:
            await apply_definitions(session, definitions)
    problems = error.value.problems
    assert any("segment: 'nobody' does not exist" in p for p in problems)
    assert any("messages[0].template: 'missing' does not exist" in p for p in problems)
    mismatch = "treatments[0].messages[0].template: 'promo' is a EMAIL template, this message"
    assert any(f"{mismatch} sends SMS" in p for p in problems)
    async with database.session() as session:
        assert await list_campaigns(session) == []


async def test_a_valid_campaign_applies_once(database: Database) -> None:
    definitions = validate_documents([SEGMENT, TEMPLATE, campaign("promo")], "promo.yaml")
    for changed in (True, False):
        async with database.session() as session:
            results = await apply_definitions(session, definitions)
        [applied] = [r for r in results if r.kind == "Campaign"]
        assert applied.changed is changed
