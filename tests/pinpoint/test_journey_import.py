"""`herald pinpoint import FILE --kind journey`: each part of a WriteJourneyRequest as the
Herald journey it becomes, and what is refused naming its JSON path. The request's own
problems (types, fields, every one listed): test_journey_import_problems.py; its timing:
test_journey_import_timing.py; the command that applies it: test_journey_import_cli.py; an
imported journey running: tests/workflows/test_pinpoint_journey.py."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from herald.models.journey_steps import (
    HoldoutStep,
    MultiSplitStep,
    RandomSplitStep,
    SendStep,
    SplitStep,
)
from tests.pinpoint.journey_requests import ONE_EMAIL, imported, refused, request

EVENT = {"Dimensions": {"EventType": {"DimensionType": "INCLUSIVE", "Values": ["purchase"]}}}


# Activities


@pytest.mark.parametrize("kind", ["SMS", "PUSH", "CUSTOM"])
def test_message_activities_become_sends_on_their_channel(kind: str) -> None:
    journey = imported(
        request(
            {
                "first": {
                    kind: {"TemplateName": "Notice", "TemplateVersion": "2", "NextActivity": "hi"}
                },
                **ONE_EMAIL,
            }
        )
    )
    step = journey.steps["first"]
    assert isinstance(step, SendStep)
    assert (step.channel.value, step.template, step.template_version, step.next) == (
        kind,
        "notice",
        2,
        "hi",
    )


def test_custom_delivery_uri_is_named_in_the_description_and_endpoint_types_checked() -> None:
    body = {"TemplateName": "Hook", "DeliveryUri": "https://example.com/hook"}
    journey = imported(request({"hook": {"CUSTOM": {**body, "EndpointTypes": ["CUSTOM"]}}}))
    assert "hook (https://example.com/hook)" in journey.description
    problem = refused(request({"hook": {"CUSTOM": {**body, "EndpointTypes": ["EMAIL"]}}}))
    assert problem.startswith("$.Activities.hook.CUSTOM.EndpointTypes: ['EMAIL']")
    assert 'allowed: ["CUSTOM"]' in problem


@pytest.mark.parametrize(
    ("kind", "config", "message"),
    [
        ("EMAIL", {"FromAddress": "a@example.com"}, "set from_address on template 'notice'"),
        ("SMS", {"OriginationNumber": "+12065550100"}, "set origination_number on template"),
        ("SMS", {"EntityId": "e-1"}, "has no Herald equivalent"),
        ("PUSH", {"TimeToLive": "60"}, "set time_to_live on template"),
        ("CUSTOM", {"Data": "{}"}, "from its template"),
    ],
)
def test_message_config_is_refused_naming_the_template_field_that_holds_it(
    kind: str, config: dict[str, str], message: str
) -> None:
    body = {"TemplateName": "Notice", "MessageConfig": config}
    problem = refused(request({"m": {kind: body}}))
    assert problem.startswith(f"$.Activities.m.{kind}.MessageConfig.{next(iter(config))}:")
    assert message in problem


def test_multi_condition_becomes_a_multi_split_with_branches_and_else() -> None:
    multi = {
        "Branches": [
            {
                "Condition": {"EventCondition": EVENT},
                "NextActivity": "hi",
            },
            {"Condition": {"SegmentCondition": {"SegmentId": "VIPs"}}, "NextActivity": "vip"},
        ],
        "DefaultActivity": "hi",
        "EvaluationWaitTime": {"WaitFor": "PT1H"},
    }
    journey = imported(
        request({"pick": {"MultiCondition": multi}, **ONE_EMAIL, "vip": ONE_EMAIL["hi"]})
    )
    step = journey.steps["pick"]
    assert isinstance(step, MultiSplitStep)
    assert step.evaluation_wait == timedelta(hours=1)
    assert step.else_next == "hi"
    assert [b.next for b in step.branches] == ["hi", "vip"]
    assert step.branches[0].conditions[0].model_dump() == {
        "kind": "event",
        "event_type": "purchase",
        "attributes": {},
        "within": None,
        "min_count": 1,
        "performed": True,
    }
    assert step.branches[1].conditions[0].model_dump() == {
        "kind": "segment",
        "segment": "vips",
        "member": True,
    }


def test_a_multi_condition_with_more_than_five_branches_names_its_path() -> None:
    branch = {"Condition": {"SegmentCondition": {"SegmentId": "a"}}, "NextActivity": "hi"}
    problem = refused(
        request({"pick": {"MultiCondition": {"Branches": [branch] * 6}}, **ONE_EMAIL})
    )
    assert problem == "$.Activities.pick.MultiCondition.Branches: 6 branches; 1 to 5"


def test_random_split_keeps_percentages_and_refuses_a_bad_sum() -> None:
    split = {
        "Branches": [
            {"Percentage": 30, "NextActivity": "hi"},
            {"Percentage": 70, "NextActivity": "other"},
        ]
    }
    journey = imported(
        request({"ab": {"RandomSplit": split}, **ONE_EMAIL, "other": ONE_EMAIL["hi"]})
    )
    step = journey.steps["ab"]
    assert isinstance(step, RandomSplitStep)
    assert [(b.percent, b.next) for b in step.branches] == [(30, "hi"), (70, "other")]
    split["Branches"][1]["Percentage"] = 60
    problem = refused(
        request({"ab": {"RandomSplit": split}, **ONE_EMAIL, "other": ONE_EMAIL["hi"]})
    )
    assert problem.startswith("$.Activities.ab.RandomSplit.Branches: 2 branches summing to 90%")


def test_holdout_keeps_its_percentage_and_next() -> None:
    journey = imported(
        request({"hold": {"Holdout": {"Percentage": 10, "NextActivity": "hi"}}, **ONE_EMAIL})
    )
    step = journey.steps["hold"]
    assert isinstance(step, HoldoutStep)
    assert (step.percent, step.next) == (10, "hi")
    problem = refused(request({"hold": {"Holdout": {"Percentage": 120}}, **ONE_EMAIL}))
    assert problem == "$.Activities.hold.Holdout.Percentage: 120; an integer from 0 to 100"


def test_conditional_split_on_an_event_with_attributes() -> None:
    event = {
        "Dimensions": {
            "EventType": {"Values": ["purchase"]},
            "Attributes": {"sku": {"AttributeType": "INCLUSIVE", "Values": ["A-1"]}},
        }
    }
    split = {"Condition": {"Conditions": [{"EventCondition": event}]}, "TrueActivity": "hi"}
    journey = imported(request({"bought": {"ConditionalSplit": split}, **ONE_EMAIL}))
    step = journey.steps["bought"]
    assert isinstance(step, SplitStep)
    [condition] = step.conditions
    assert condition.model_dump()["attributes"] == {"sku": "A-1"}


# Start condition


def test_start_condition_by_segment_with_refresh() -> None:
    journey = imported(
        request(
            ONE_EMAIL,
            StartCondition={"SegmentStartCondition": {"SegmentId": "Newcomers"}},
            RefreshFrequency="PT1H",
        )
    )
    segment = journey.settings.entry.segment
    assert segment is not None
    assert (segment.segment, segment.refresh) == ("newcomers", timedelta(hours=1))
    assert journey.settings.entry.event is None


def test_start_condition_by_event_with_attributes_and_segment() -> None:
    dims = {
        "EventType": {"DimensionType": "INCLUSIVE", "Values": ["cart.abandoned"]},
        "Attributes": {"store": {"AttributeType": "INCLUSIVE", "Values": ["web"]}},
    }
    start = {"EventStartCondition": {"EventFilter": {"Dimensions": dims}, "SegmentId": "Buyers"}}
    journey = imported(request(ONE_EMAIL, StartCondition=start))
    event = journey.settings.entry.event
    assert event is not None
    assert (event.event_type, event.attributes, event.segment) == (
        "cart.abandoned",
        {"store": "web"},
        "buyers",
    )
    assert journey.settings.entry.segment is None


@pytest.mark.parametrize(
    ("dims", "path"),
    [
        (
            {"EventType": {"DimensionType": "EXCLUSIVE", "Values": ["x"]}},
            "$.StartCondition.EventStartCondition.EventFilter.Dimensions.EventType:",
        ),
        (
            {
                "EventType": {"Values": ["x"]},
                "Attributes": {"a": {"AttributeType": "INCLUSIVE", "Values": ["1", "2"]}},
            },
            "$.StartCondition.EventStartCondition.EventFilter.Dimensions.Attributes.a:",
        ),
        (
            {"EventType": {"Values": ["x"]}, "Metrics": {"n": {"ComparisonOperator": "EQUAL"}}},
            "$.StartCondition.EventStartCondition.EventFilter.Dimensions.Metrics:",
        ),
    ],
)
def test_an_event_filter_that_would_be_narrowed_is_refused(dims: dict[str, Any], path: str) -> None:
    start = {"EventStartCondition": {"EventFilter": {"Dimensions": dims}}}
    assert refused(request(ONE_EMAIL, StartCondition=start)).startswith(path)


# Limits and re-entry


def test_limits_total_timeframe_rate_and_reentry_interval() -> None:
    limits = {
        "DailyCap": 2,
        "TotalCap": 5,
        "TimeframeCap": {"Cap": 3, "Days": 7},
        "MessagesPerSecond": 50,
        "EndpointReentryInterval": "PT12H",
    }
    journey = imported(request(ONE_EMAIL, Limits=limits))
    got = journey.settings.limits
    assert (got.daily_cap, got.total_cap, got.messages_per_second) == (2, 5, 50)
    assert got.timeframe_cap is not None
    assert (got.timeframe_cap.count, got.timeframe_cap.window) == (3, timedelta(days=7))
    re_entry = journey.settings.re_entry
    assert (re_entry.allowed, re_entry.max_entries, re_entry.min_interval) == (
        True,
        None,
        timedelta(hours=12),
    )


def test_pinpoints_zero_means_no_limit_and_unlimited_reentry() -> None:
    limits = {
        "DailyCap": 0,
        "TotalCap": 0,
        "MessagesPerSecond": 0,
        "TimeframeCap": {"Cap": 3, "Days": 0},
        "EndpointReentryCap": 0,
        "EndpointReentryInterval": "P1D",
    }
    journey = imported(request(ONE_EMAIL, Limits=limits))
    got = journey.settings.limits
    assert (got.daily_cap, got.total_cap, got.messages_per_second, got.timeframe_cap) == (
        None,
        None,
        None,
        None,
    )
    re_entry = journey.settings.re_entry
    assert (re_entry.allowed, re_entry.max_entries, re_entry.min_interval) == (
        True,
        None,
        timedelta(days=1),
    )


def test_without_reentry_limits_each_participant_enters_once() -> None:
    assert imported(request(ONE_EMAIL, Limits={"DailyCap": 1})).settings.re_entry.allowed is False


# State


def test_a_draft_imports_as_a_draft_and_an_active_or_absent_state_as_active() -> None:
    assert imported(request(ONE_EMAIL, State="DRAFT")).state == "DRAFT"
    assert imported(request(ONE_EMAIL, State="ACTIVE")).state == "ACTIVE"
    assert imported(request(ONE_EMAIL)).state == "ACTIVE"


def test_a_state_of_a_journey_that_has_run_is_refused_naming_the_allowed_ones() -> None:
    message = refused(request(ONE_EMAIL, State="PAUSED"))
    assert "$.State: 'PAUSED' does not translate; allowed: DRAFT, ACTIVE" in message


# ConditionalSplit with Operator ANY: one SegmentDimensions' dimensions must all hold

PRO_AND_GOLD = {
    "Attributes": {"Plan": {"AttributeType": "INCLUSIVE", "Values": ["pro"]}},
    "UserAttributes": {"Tier": {"AttributeType": "INCLUSIVE", "Values": ["gold"]}},
}


def any_split(*conditions: dict[str, Any]) -> dict[str, Any]:
    split = {
        "Condition": {"Operator": "ANY", "Conditions": list(conditions)},
        "TrueActivity": "hi",
        "FalseActivity": "other",
    }
    return request({"s": {"ConditionalSplit": split}, **ONE_EMAIL, "other": ONE_EMAIL["hi"]})


def test_any_of_several_dimensions_and_a_segment_is_refused_since_herald_cannot_group_them() -> (
    None
):
    # (pro AND gold) OR vip: flattened it would be pro OR gold OR vip, so someone on pro
    # alone, not in vip, would take TrueActivity.
    problem = refused(
        any_split({"SegmentDimensions": PRO_AND_GOLD}, {"SegmentCondition": {"SegmentId": "vip"}})
    )
    assert problem.startswith(
        "$.Activities.s.ConditionalSplit.Condition.Conditions.0.SegmentDimensions: its 2 "
        "dimensions (Attributes.Plan, UserAttributes.Tier) must all hold"
    )
    assert "cannot group conditions inside ANY" in problem
    assert "use a SegmentCondition" in problem


def test_any_of_one_condition_keeps_all_of_its_dimensions() -> None:
    step = imported(any_split({"SegmentDimensions": PRO_AND_GOLD})).steps["s"]
    assert isinstance(step, SplitStep)
    assert step.match == "ALL"
    assert [c.model_dump()["name"] for c in step.conditions] == ["Plan", "Tier"]


def test_any_of_conditions_with_one_dimension_each_stays_any() -> None:
    pro = {"Attributes": PRO_AND_GOLD["Attributes"]}
    step = imported(
        any_split({"SegmentDimensions": pro}, {"SegmentCondition": {"SegmentId": "vip"}})
    ).steps["s"]
    assert isinstance(step, SplitStep)
    assert step.match == "ANY"
    assert [c.kind for c in step.conditions] == ["attribute", "segment"]
