"""Pinpoint WriteSegmentRequest JSON translated to Herald segments, and what it refuses."""

from __future__ import annotations

from typing import Any

import pytest

from herald.models import Segment
from herald.pinpoint import PinpointImportError, translate

REQUEST: dict[str, Any] = {
    "Name": "Engaged iOS in the US",
    "Dimensions": {
        "Attributes": {"Signup": {"AttributeType": "AFTER", "Values": ["2025-01-01T00:00:00Z"]}},
        "UserAttributes": {"Tier": {"AttributeType": "EXCLUSIVE", "Values": ["free"]}},
        "Behavior": {"Recency": {"Duration": "DAY_14", "RecencyType": "INACTIVE"}},
        "Demographic": {
            "Platform": {"Values": ["ios"]},
            "Channel": {"DimensionType": "EXCLUSIVE", "Values": ["SMS"]},
        },
        "Location": {
            "Country": {"Values": ["us"]},
            "GPSPoint": {
                "Coordinates": {"Latitude": 47.6, "Longitude": -122.3},
                "RangeInKilometers": 25,
            },
        },
        "Metrics": {"visits": {"ComparisonOperator": "GREATER_THAN_OR_EQUAL", "Value": 3}},
    },
}


def _one(document: Any) -> Segment:
    [found] = translate("segment", document, "engaged")
    assert isinstance(found, Segment)
    return found


def test_dimensions_become_rules_that_all_hold() -> None:
    segment = _one({"WriteSegmentRequest": REQUEST})
    rules = [r.model_dump(mode="json", exclude_defaults=True) for r in segment.rules]
    assert segment.match == "all"
    assert rules == [
        {"type": "attribute", "name": "Signup", "op": "after", "values": ["2025-01-01T00:00:00Z"]},
        {"type": "user_attribute", "name": "Tier", "op": "exclude", "values": ["free"]},
        {"type": "inactive", "within": "P14D"},
        {"type": "demographic", "field": "platform", "values": ["ios"]},
        {"type": "channel", "op": "exclude", "values": ["SMS"]},
        {"type": "location", "field": "country", "values": ["US"]},
        {"type": "near", "latitude": 47.6, "longitude": -122.3, "within_km": 25.0},
        {"type": "metric", "name": "visits", "op": ">=", "value": 3.0},
    ]


def test_segment_groups_keep_include_source_type_and_type() -> None:
    segment = _one(
        {
            "SegmentGroups": {
                "Include": "ANY",
                "Groups": [
                    {
                        "SourceSegments": [{"Id": "Base-A", "Version": 3}, {"Id": "base-b"}],
                        "SourceType": "ANY",
                        "Type": "NONE",
                        "Dimensions": [
                            {"Metrics": {"m": {"ComparisonOperator": "EQUAL", "Value": 1}}}
                        ],
                    },
                    {"Dimensions": [{"Demographic": {"Make": {"Values": ["Apple"]}}}]},
                ],
            }
        }
    )
    assert segment.match == "any"
    first, second = (r.model_dump(mode="json", exclude_defaults=True) for r in segment.rules)
    assert first == {
        "type": "group",
        "rules": [
            {"type": "group", "match": "any", "rules": [
                {"type": "segment", "name": "base-a"}, {"type": "segment", "name": "base-b"}]},
            {"type": "group", "match": "none", "rules": [
                {"type": "metric", "name": "m", "op": "=", "value": 1.0}]},
        ],
    }  # fmt: skip
    assert second == {
        "type": "group",
        "rules": [{"type": "demographic", "field": "make", "values": ["Apple"]}],
    }


@pytest.mark.parametrize(
    ("document", "says"),
    [
        ({"Dimensions": {"Colour": {}}}, "Dimensions.Colour: not a member of SegmentDimensions"),
        (
            {
                "Dimensions": {
                    "Behavior": {"Recency": {"Duration": "DAY_90", "RecencyType": "ACTIVE"}}
                }
            },
            "Dimensions.Behavior.Recency.Duration: 'DAY_90' is not one of HR_24, DAY_7",
        ),
        (
            {"Dimensions": {"Attributes": {"d": {"AttributeType": "ON", "Values": ["soon"]}}}},
            "Dimensions.Attributes.d: 'soon' is not a date",
        ),
        (
            {
                "Dimensions": {
                    "Location": {"GPSPoint": {"Coordinates": {"Latitude": 1, "Longitude": 2}}}
                }
            },
            "Dimensions.Location.GPSPoint.RangeInKilometers: missing",
        ),
        (
            {"SegmentGroups": {"Groups": [{"SourceSegments": [{"Id": "has spaces"}]}]}},
            "SegmentGroups.Groups[0].SourceSegments[0].Id: 'has spaces' cannot name",
        ),
        (
            {"SegmentResponse": {"ImportDefinition": {"Size": 3}}},
            "ImportDefinition: an imported segment's endpoints live in its S3 files",
        ),
    ],
)
def test_what_cannot_be_translated_is_named_by_json_path(document: Any, says: str) -> None:
    with pytest.raises(PinpointImportError) as caught:
        translate("segment", document, "x")
    assert says in str(caught.value)
