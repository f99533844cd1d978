"""`herald pinpoint import FILE --kind campaign`: a WriteCampaignRequest becomes a campaign
that runs; what cannot be translated is refused naming its JSON path."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from herald.models.campaign import Campaign
from herald.pinpoint import PinpointImportError, translate
from herald.store import Database
from tests.campaigns.harness import SEGMENT, TEMPLATE, add_endpoints, finished, unique
from tests.workflows.engine import Engine

REQUEST = {
    "Name": "Spring sale",
    "SegmentId": "Everyone",
    "SegmentVersion": 1,
    "HoldoutPercent": 10,
    "TreatmentName": "Control",
    "TemplateConfiguration": {"EmailTemplate": {"Name": "Promo", "Version": "1"}},
    "AdditionalTreatments": [
        {
            "TreatmentName": "Shorter",
            "SizePercent": 40,
            "MessageConfiguration": {
                "EmailMessage": {"Title": "Hi {{User.UserAttributes.FirstName}}", "Body": "Sale"}
            },
        }
    ],
    "Schedule": {
        "StartTime": "2030-03-01T10:00:00Z",
        "EndTime": "2030-06-01T10:00:00Z",
        "Frequency": "WEEKLY",
        "IsLocalTime": True,
        "Timezone": "UTC+05:30",
        "QuietTime": {"Start": "22:00", "End": "07:00"},
    },
    "Limits": {"Daily": 1, "Total": 5, "MessagesPerSecond": 100, "MaximumDuration": 3600},
}


def test_write_campaign_request_translates_every_part() -> None:
    [campaign] = translate("campaign", REQUEST, "spring")
    assert isinstance(campaign, Campaign)
    assert (campaign.segment, campaign.segment_version) == ("everyone", 1)
    assert campaign.shares() == [("control", 50), ("shorter", 40)]
    assert campaign.holdout_percent == 10
    [main] = campaign.messages
    assert (main.template, main.template_version) == ("promo", 1)
    [inline] = campaign.treatments[0].messages
    assert inline.inline is not None
    assert inline.inline.model_dump()["subject"] == "Hi {{ User.UserAttributes.FirstName }}"
    schedule = campaign.schedule
    assert (schedule.frequency, schedule.local_time, schedule.timezone) == (
        "WEEKLY",
        True,
        "Asia/Kolkata",
    )
    assert campaign.quiet_time is not None and campaign.quiet_time.mode == "skip"
    limits = campaign.limits
    assert (limits.daily, limits.total, limits.messages_per_second) == (1, 5, 100)
    assert limits.maximum_duration == timedelta(hours=1)


@pytest.mark.parametrize(
    ("pinpoint", "herald"),
    [
        ("UTC+05:30", "Asia/Kolkata"),  # no daylight saving time there: the place's zone
        ("UTC+09", "Etc/GMT-9"),
        ("UTC-03:30", "UTC-03:30"),  # St John's standard time: kept fixed, all year
        ("UTC-02:30", "UTC-02:30"),  # ...and its summer time, which Pinpoint also listed
        ("UTC+10:30", "UTC+10:30"),
        ("UTC+12:45", "UTC+12:45"),
        ("UTC+13:45", "UTC+13:45"),
    ],
)
def test_pinpoint_offsets_stay_fixed_offsets(pinpoint: str, herald: str) -> None:
    """A Pinpoint offset is fixed: mapped to a city zone with daylight saving time it would
    send an hour off for half the year."""
    schedule = {**REQUEST["Schedule"], "Timezone": pinpoint}  # type: ignore[dict-item]
    [campaign] = translate("campaign", {**REQUEST, "Schedule": schedule}, "spring")
    assert isinstance(campaign, Campaign) and campaign.schedule.timezone == herald


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"SegmentId": None}, r"\$.SegmentId: required"),
        (
            {"Schedule": {"Timezone": "UTC+05:15"}},
            r"'UTC\+05:15' is not a timezone; allowed: UTC, ",
        ),
        (
            {"Schedule": {"Frequency": "EVENT", "EventFilter": {"Dimensions": {}}}},
            "one INCLUSIVE event type",
        ),
        ({"HoldoutPercent": 70}, "is 110%; at most 100"),
    ],
)
def test_untranslatable_requests_name_the_path(change: dict[str, object], message: str) -> None:
    with pytest.raises(PinpointImportError, match=message):
        translate("campaign", {**REQUEST, **change}, "spring")


def test_a_treatments_own_schedule_is_translated() -> None:
    own = {
        "StartTime": "2030-03-01T10:30:00Z",
        "EndTime": "2030-05-01T10:00:00Z",
        "Frequency": "WEEKLY",
        "Timezone": "UTC+09",
        "QuietTime": {"Start": "21:00", "End": "08:00"},
    }
    shorter = {**REQUEST["AdditionalTreatments"][0], "Schedule": own}  # type: ignore[index]
    [campaign] = translate("campaign", {**REQUEST, "AdditionalTreatments": [shorter]}, "spring")
    assert isinstance(campaign, Campaign)
    schedule = campaign.treatments[0].schedule
    assert schedule is not None
    assert (schedule.start_time, schedule.end_time) == (
        datetime(2030, 3, 1, 10, 30, tzinfo=UTC),
        datetime(2030, 5, 1, 10, tzinfo=UTC),
    )
    assert (schedule.timezone, schedule.local_time) == ("Etc/GMT-9", None)  # local: the campaign's
    assert schedule.quiet_time is not None and schedule.quiet_time.mode == "skip"
    # The console's copy of the campaign's schedule in a treatment is no schedule of its own.
    copied = {**shorter, "Schedule": REQUEST["Schedule"]}
    [same] = translate("campaign", {**REQUEST, "AdditionalTreatments": [copied]}, "spring")
    assert isinstance(same, Campaign) and same.treatments[0].schedule is None


@pytest.mark.parametrize(
    ("own", "message"),
    [
        (
            {"StartTime": "2030-03-01T16:00:00Z", "Frequency": "DAILY"},
            r"\$.AdditionalTreatments.0.Schedule.Frequency: DAILY is not the campaign's WEEKLY",
        ),
        (
            {"Frequency": "WEEKLY", "Timezone": "UTC+05:15"},
            r"\$.AdditionalTreatments.0.Schedule.Timezone: 'UTC\+05:15' is not a timezone",
        ),
        (
            {"StartTime": "2030-03-01T08:00:00Z", "Frequency": "WEEKLY"},
            r"treatments\[0\].schedule.start_time: before schedule.start_time",
        ),
        (
            {"StartTime": "2030-03-01T10:30:00Z", "EndTime": "2030-03-01T10:15:00Z",
             "Frequency": "WEEKLY"},
            "treatments.0.schedule: end_time: must be after start_time",
        ),
    ],
)  # fmt: skip
def test_an_untranslatable_treatment_schedule_names_the_path(
    own: dict[str, object], message: str
) -> None:
    shorter = {**REQUEST["AdditionalTreatments"][0], "Schedule": own}  # type: ignore[index]
    with pytest.raises(PinpointImportError, match=message):
        translate("campaign", {**REQUEST, "AdditionalTreatments": [shorter]}, "spring")


async def test_an_imported_campaign_runs(engine: Engine, sqlite_database: Database) -> None:
    await add_endpoints(sqlite_database, 50)
    request = {
        "SegmentId": "everyone",
        "MessageConfiguration": {"EmailMessage": {"Title": "Hello {{Id}}", "Body": "Sale"}},
        "Schedule": {"StartTime": "IMMEDIATE", "Frequency": "ONCE"},
    }
    name = unique()
    [campaign] = translate("campaign", request, name)
    await engine.apply(SEGMENT, TEMPLATE)
    await engine.herald.apply([campaign])
    assert (await finished(engine, name)).counts.sent == 50
    [message] = await engine.herald.outbox(endpoint_id="e000007")
    assert message.content.subject == "Hello e000007"


def _refused(document: object) -> list[str]:
    with pytest.raises(PinpointImportError) as raised:
        translate("campaign", document, "spring-sale")
    return str(raised.value).splitlines()


def test_malformed_json_is_refused_at_every_path_not_with_a_traceback() -> None:
    bad = REQUEST | {
        "AdditionalTreatments": [None],
        "HoldoutPercent": "10",
        "Limts": {"Daily": 1},
    }
    problems = _refused(bad)
    assert "$.AdditionalTreatments.0: expected an object (WriteTreatmentResource), got null" in (
        problems
    )
    assert '$.HoldoutPercent: expected an integer, got a string ("10")' in problems
    assert any(
        p.startswith("$.Limts: not a field of Pinpoint's WriteCampaignRequest") for p in problems
    )


def test_every_problem_of_the_translated_campaign_is_listed() -> None:
    both = REQUEST | {"HoldoutPercent": 101, "Limits": {"Daily": -1}}
    problems = _refused(both)
    assert len(problems) >= 2 and all(p.startswith("$: translated ") for p in problems), problems


def test_an_exported_campaign_response_imports_as_its_request() -> None:
    exported = {"CampaignResponse": REQUEST | {"Id": "c1", "ApplicationId": "app", "Version": 3}}
    assert translate("campaign", exported, "spring-sale") == translate(
        "campaign", REQUEST, "spring-sale"
    )
