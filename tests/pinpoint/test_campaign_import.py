"""`herald pinpoint import FILE --kind campaign`: what would change who gets a campaign, what
they get or when is kept or refused at its Pinpoint JSON path, never dropped. The rest of the
translation, and an imported campaign running: tests/campaigns/test_pinpoint_import.py."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from pydantic import ValidationError

from herald.campaigns.schedules import schedule_spec
from herald.models import Campaign
from herald.pinpoint import PinpointImportError, translate
from herald.store import campaigns as campaign_store

BASE: dict[str, Any] = {
    "Name": "Spring Sale",
    "SegmentId": "everyone",
    "TemplateConfiguration": {"EmailTemplate": {"Name": "Promo"}},
}


def imported(document: dict[str, Any]) -> Campaign:
    [campaign] = translate("campaign", document, "spring")
    assert isinstance(campaign, Campaign)
    return campaign


def refused(document: dict[str, Any]) -> str:
    with pytest.raises(PinpointImportError) as raised:
        translate("campaign", document, "spring")
    return str(raised.value)


def inline(config: dict[str, Any]) -> dict[str, Any]:
    """The one inline message imported from a MessageConfiguration, as its fields."""
    [message] = imported({"SegmentId": "everyone", "MessageConfiguration": config}).messages
    assert message.inline is not None
    dumped: dict[str, Any] = message.inline.model_dump(exclude_defaults=True)
    return dumped


# What stops or narrows sending


@pytest.mark.parametrize(
    ("field", "value"),
    [("IsPaused", True), ("Hook", {"LambdaFunctionName": "drop-churned", "Mode": "FILTER"})],
)
def test_a_setting_that_stops_or_narrows_sending_is_refused(field: str, value: Any) -> None:
    """A Herald campaign has no paused definition (apply launches it), and a Lambda hook
    cannot run: imported without them, the campaign would send to the whole segment."""
    assert refused({**BASE, field: value}).startswith(f"$.{field}: ")


def test_custom_delivery_is_refused_on_the_campaign_and_its_treatments() -> None:
    """Pinpoint hands such messages to a Lambda or web address instead of the endpoints'
    channels; imported without it, Herald would message every endpoint itself."""
    custom = {"DeliveryUri": "https://hooks.example.com/deliver", "EndpointTypes": ["EMAIL"]}
    assert refused({**BASE, "CustomDeliveryConfiguration": custom}).startswith(
        "$.CustomDeliveryConfiguration: custom delivery to https://hooks.example.com/deliver"
    )
    treatment = {
        "TemplateConfiguration": BASE["TemplateConfiguration"],
        "SizePercent": 50,
        "CustomDeliveryConfiguration": custom,
    }
    document = {**BASE, "AdditionalTreatments": [treatment]}
    assert refused(document).startswith("$.AdditionalTreatments.0.CustomDeliveryConfiguration: ")


def test_an_unpaused_campaign_and_an_empty_hook_import() -> None:
    """`get-campaign` prints `"IsPaused": false` and `"Hook": {}` for a campaign without."""
    assert imported({**BASE, "IsPaused": False, "Hook": {}}) == imported(BASE)


@pytest.mark.parametrize(
    ("dimensions", "path"),
    [
        (
            {"Attributes": {"sku": {"AttributeType": "EXCLUSIVE", "Values": ["GIFT-CARD"]}}},
            "$.Schedule.EventFilter.Dimensions.Attributes.sku",
        ),
        (
            {"Attributes": {"sku": {"AttributeType": "INCLUSIVE", "Values": ["A-1", "B-2"]}}},
            "$.Schedule.EventFilter.Dimensions.Attributes.sku",
        ),
        (
            {"Metrics": {"price": {"ComparisonOperator": "GREATER_THAN", "Value": 100.0}}},
            "$.Schedule.EventFilter.Dimensions.Metrics",
        ),
    ],
)
def test_an_event_filter_that_would_be_narrowed_or_inverted_is_refused(
    dimensions: dict[str, Any], path: str
) -> None:
    """EXCLUSIVE read as INCLUSIVE, one value of several, dropped Metrics: each would send
    on other events than Pinpoint did. The journey import refuses them alike."""
    event_type = {"EventType": {"DimensionType": "INCLUSIVE", "Values": ["purchase"]}}
    schedule = {
        "Frequency": "EVENT",
        "StartTime": "IMMEDIATE",
        "EventFilter": {"FilterType": "ENDPOINT", "Dimensions": {**event_type, **dimensions}},
    }
    assert refused({**BASE, "Schedule": schedule}).startswith(f"{path}: ")


def test_an_event_filter_with_one_value_per_attribute_is_kept() -> None:
    dimensions = {
        "EventType": {"DimensionType": "INCLUSIVE", "Values": ["purchase"]},
        "Attributes": {"sku": {"AttributeType": "INCLUSIVE", "Values": ["A-1"]}},
    }
    schedule = {"Frequency": "EVENT", "EventFilter": {"Dimensions": dimensions}}
    event = imported({**BASE, "Schedule": schedule}).schedule.event
    assert event is not None and (event.event_type, event.attributes) == (
        "purchase",
        {"sku": "A-1"},
    )


# Inline messages


def test_an_inline_sms_keeps_its_sender_and_dlt_registration() -> None:
    """Without them the SMS goes from the default number with no sender id, and in India
    without its DLT registration, which carriers block."""
    sms = {
        "Body": "Sale today",
        "MessageType": "PROMOTIONAL",
        "OriginationNumber": "+12065550100",
        "SenderId": "ACME",
        "EntityId": "1101000000000000001",
        "TemplateId": "1107000000000000001",
    }
    assert inline({"SMSMessage": sms}) == {
        "name": "inline",
        "channel": "SMS",
        "body": "Sale today",
        "message_type": "PROMOTIONAL",
        "origination_number": "+12065550100",
        "sender_id": "ACME",
        "entity_id": "1101000000000000001",
        "template_id": "1107000000000000001",
    }


def test_an_inline_email_keeps_its_headers() -> None:
    email = {
        "Title": "Sale",
        "Body": "Hi {{Attributes.Name}}",
        "Headers": [{"Name": "List-Unsubscribe", "Value": "<https://x.test/u/{{Id}}>"}],
    }
    assert inline({"EmailMessage": email})["headers"] == {
        "List-Unsubscribe": "<https://x.test/u/{{ Id }}>"
    }


def test_an_inline_push_keeps_what_herald_push_templates_have() -> None:
    push = {
        "Title": "Sale",
        "Body": "Hi {{Attributes.Name}}",
        "Action": "URL",
        "Url": "https://x.test/sale",
        "ImageUrl": "https://x.test/sale.png",
        "MediaUrl": "https://x.test/sale.mp4",
        "TimeToLive": 3600,
        "JsonBody": '{"sale": "spring", "percent": 20}',
    }
    assert inline({"DefaultMessage": push}) == {
        "name": "inline",
        "channel": "PUSH",
        "title": "Sale",
        "body": "Hi {{ Attributes.Name }}",
        "action": "URL",
        "url": "https://x.test/sale",
        "data": {"sale": "spring", "percent": "20"},
        "time_to_live": 3600,
        # Each image on the service Pinpoint showed it on.
        "fcm": {"notification": {"image": "https://x.test/sale.png"}},
        "apns": {"aps": {"mutable-content": 1}, "herald.image_url": "https://x.test/sale.mp4"},
    }


@pytest.mark.parametrize(
    ("config", "path"),
    [
        (
            {"DefaultMessage": {"Title": "Hi", "RawContent": '{"aps": {}}'}},
            "$.MessageConfiguration.DefaultMessage.RawContent",
        ),
        (
            {"GCMMessage": {"Title": "Hi", "ImageIconUrl": "https://x.test/i.png"}},
            "$.MessageConfiguration.GCMMessage.ImageIconUrl",
        ),
        (
            {"DefaultMessage": {"Title": "Hi"}, "APNSMessage": {"Title": "Hi on iOS"}},
            "$.MessageConfiguration.APNSMessage",
        ),
        (
            {"DefaultMessage": {"Title": "Hi", "JsonBody": "[1, 2]"}},
            "$.MessageConfiguration.DefaultMessage.JsonBody",
        ),
        (
            {"SMSMessage": {"Body": "{{#each Items}}"}},
            "$.MessageConfiguration.SMSMessage.Body",
        ),
    ],
)
def test_an_inline_part_without_a_translation_is_refused_at_its_path(
    config: dict[str, Any], path: str
) -> None:
    assert refused({"SegmentId": "everyone", "MessageConfiguration": config}).startswith(
        f"{path}: "
    )


# Problems at Pinpoint's paths


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (
            {"Schedule": {"Frequency": "IN_APP_EVENT", "StartTime": "IMMEDIATE"}},
            "$.Schedule.Frequency: IN_APP_EVENT does not translate; allowed: ONCE, HOURLY, "
            "DAILY, WEEKLY, MONTHLY, EVENT",
        ),
        (
            {
                "AdditionalTreatments": [
                    {"SizePercent": 20, "TemplateConfiguration": {"SMSTemplate": {"Name": "¡!"}}}
                ]
            },
            "$.AdditionalTreatments.0.TemplateConfiguration.SMSTemplate.Name: '¡!' cannot be "
            "a Herald name",
        ),
    ],
)
def test_a_campaign_problem_names_the_pinpoint_path_it_comes_from(
    change: dict[str, Any], problem: str
) -> None:
    """Pinpoint's names, in the `.0` style of the type checks: not Herald's schedule.frequency
    (which offers CRON, which Pinpoint has not), nor `AdditionalTreatments[0].SMSTemplate`."""
    assert refused({**BASE, **change}).startswith(problem)


# Times without an offset


@pytest.fixture
def host_zone(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[str], None]]:
    """Sets the process's local timezone (TZ), restoring it afterwards."""

    def use(zone: str) -> None:
        monkeypatch.setenv("TZ", zone)
        time.tzset()

    yield use
    monkeypatch.undo()
    time.tzset()


def test_a_start_time_without_offset_is_read_in_the_schedules_timezone(
    host_zone: Callable[[str], None],
) -> None:
    """Not in the Herald server's own zone: the same DAILY campaign would fire at 18:00 at
    UTC+09 on a UTC host and at 23:00 on a New York host. The journey import reads such a
    time in Schedule.Timezone alike."""
    schedule = {"StartTime": "2030-01-10T09:00:00", "Frequency": "DAILY", "Timezone": "UTC+09"}
    campaign = imported({**BASE, "Schedule": schedule})
    assert campaign.schedule.start_time == datetime(
        2030, 1, 10, 9, tzinfo=timezone(timedelta(hours=9))
    )
    hours = []
    for zone in ("UTC", "America/New_York"):
        host_zone(zone)
        [calendar] = schedule_spec(campaign, datetime(2029, 1, 1, tzinfo=UTC)).calendars
        hours.append(calendar.hour[0].start)
    assert hours == [9, 9]  # in the schedule's zone, Etc/GMT-9


def test_a_treatments_time_without_offset_is_read_in_the_campaigns_timezone() -> None:
    campaign_schedule = {"StartTime": "2030-01-10T09:00:00", "Timezone": "UTC+09"}
    treatment = {
        "SizePercent": 20,
        "TemplateConfiguration": {"EmailTemplate": {"Name": "Short"}},
        "Schedule": {"StartTime": "2030-01-10T10:00:00"},
    }
    campaign = imported(
        {**BASE, "Schedule": campaign_schedule, "AdditionalTreatments": [treatment]}
    )
    own = campaign.treatments[0].schedule
    assert own is not None and own.start_time == datetime(2030, 1, 10, 1, tzinfo=UTC)


@pytest.mark.parametrize("field", ["start_time", "end_time"])
def test_a_campaign_written_with_a_time_without_offset_is_refused(field: str) -> None:
    """Herald's timing would read it in the server's own zone, as no one meant."""
    schedule = {"frequency": "DAILY", field: "2030-01-10T09:00:00"}
    messages = [{"channel": "EMAIL", "template": "promo"}]
    with pytest.raises(ValidationError) as raised:
        Campaign(name="spring", segment="everyone", messages=messages, schedule=schedule)
    assert f"schedule.{field}\n  Value error, needs a UTC offset" in str(raised.value)


def test_a_campaign_stored_with_a_time_without_offset_stays_readable() -> None:
    """Accepted before the check: its row and its runs' copies (read by the snapshot and
    the batches) must still be read, or its next run fails."""
    doc = {
        "name": "spring",
        "segment": "everyone",
        "messages": [{"channel": "EMAIL", "template": "promo"}],
        "schedule": {"frequency": "DAILY", "start_time": "2030-01-10T09:00:00"},
    }
    campaign = campaign_store.stored_campaign(doc)
    assert campaign.schedule.start_time == datetime(2030, 1, 10, 9)
