"""`herald pinpoint import` of what the AWS CLI prints (`aws pinpoint get-journey`,
`get-segment`, `get-campaign`: the response, with its read-only members) and takes
(`create-*` / `update-* --cli-input-json`: the request beside its path parameters), for
journeys, segments and campaigns. A template's wrappers: test_template_import.py."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from herald.cli import app
from herald.models import Campaign, Journey, Segment
from herald.pinpoint import PinpointImportError, translate
from tests.pinpoint.journey_requests import ONE_EMAIL, request

JOURNEY = request(ONE_EMAIL, Name="Welcome Series")
SEGMENT = {
    "Name": "VIPs",
    "Dimensions": {"Attributes": {"Plan": {"AttributeType": "INCLUSIVE", "Values": ["pro"]}}},
}
CAMPAIGN = {
    "Name": "Spring Sale",
    "SegmentId": "everyone",
    "TemplateConfiguration": {"EmailTemplate": {"Name": "Promo"}},
}


@pytest.fixture
def runner(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.setenv("HERALD_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("HERALD_DATABASE_URL", raising=False)
    return CliRunner()


def exported(wrapper: str, body: dict[str, Any]) -> dict[str, Any]:
    """`body` as `get-*` prints it: in its response wrapper, with read-only members."""
    return {wrapper: {**body, "Id": "abc123", "ApplicationId": "app"}}


@pytest.mark.parametrize(
    ("kind", "document", "expected"),
    [
        ("journey", exported("JourneyResponse", JOURNEY), "welcome-series"),
        ("segment", exported("SegmentResponse", SEGMENT), "vips"),
        ("campaign", exported("CampaignResponse", CAMPAIGN), "spring-sale"),
        ("journey", {"ApplicationId": "app", "WriteJourneyRequest": JOURNEY}, "welcome-series"),
    ],
)
def test_the_cli_names_a_wrapped_request_after_the_name_inside_it(
    runner: CliRunner, tmp_path: Path, kind: str, document: dict[str, Any], expected: str
) -> None:
    """`get-journey ... > j.json` then `herald pinpoint import j.json --kind journey`
    needs no --name: the Name is inside the wrapper."""
    source, written = tmp_path / f"{kind}.json", tmp_path / f"{kind}.yaml"
    source.write_text(json.dumps(document))
    args = ["pinpoint", "import", str(source), "--kind", kind, "--out", str(written)]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert f"name: {expected}" in written.read_text()


def test_get_campaign_output_with_additional_treatments_imports() -> None:
    """Each AdditionalTreatments entry of `get-campaign` is a TreatmentResource, with the
    read-only `Id` and `State` a WriteTreatmentResource has not: passed over, as the
    response's own Id and State are."""
    response = {
        "CampaignResponse": {
            **CAMPAIGN,
            "Id": "c1",
            "ApplicationId": "app",
            "Arn": "arn:aws:mobiletargeting:us-east-1:1:apps/app/campaigns/c1",
            "CreationDate": "2024-01-01T00:00:00.000Z",
            "LastModifiedDate": "2024-01-01T00:00:00.000Z",
            "Version": 1,
            "State": {"CampaignStatus": "SCHEDULED"},
            "DefaultState": {"CampaignStatus": "SCHEDULED"},
            "AdditionalTreatments": [
                {
                    "Id": "t1",
                    "State": {"CampaignStatus": "SCHEDULED"},
                    "SizePercent": 40,
                    "TreatmentName": "Shorter",
                    "TemplateConfiguration": {"EmailTemplate": {"Name": "Short"}},
                }
            ],
        }
    }
    [campaign] = translate("campaign", response, "spring")
    assert isinstance(campaign, Campaign)
    assert [(t.name, t.size_percent) for t in campaign.treatments] == [("shorter", 40)]


def test_a_bare_segment_response_imports_like_the_wrapped_one() -> None:
    """One item of `get-segments`, or `get-segment --query SegmentResponse`: its read-only
    members (Id, Arn, dates, SegmentType, Version) describe the export."""
    bare = {
        **SEGMENT,
        "ApplicationId": "app",
        "Arn": "arn:aws:mobiletargeting:us-east-1:1:apps/app/segments/s1",
        "CreationDate": "2024-01-01T00:00:00.000Z",
        "LastModifiedDate": "2024-01-02T00:00:00.000Z",
        "Id": "s1",
        "SegmentType": "DIMENSIONAL",
        "Version": 2,
    }
    [segment] = translate("segment", bare, "vips")
    assert isinstance(segment, Segment)
    assert segment == translate("segment", {"SegmentResponse": bare}, "vips")[0]


def test_a_segment_problem_is_named_at_its_json_path() -> None:
    with pytest.raises(PinpointImportError) as raised:
        translate("segment", {"SegmentResponse": {**SEGMENT, "Dimensoins": {}}}, "vips")
    assert str(raised.value).startswith(
        "$.Dimensoins: not a member of WriteSegmentRequest; members: "
    )


@pytest.mark.parametrize(
    ("kind", "wrapper", "body", "parameters"),
    [
        ("journey", "WriteJourneyRequest", JOURNEY, {"ApplicationId": "app"}),
        ("campaign", "WriteCampaignRequest", CAMPAIGN, {"ApplicationId": "app"}),
        ("journey", "WriteJourneyRequest", JOURNEY, {"ApplicationId": "app", "JourneyId": "j"}),
        ("campaign", "WriteCampaignRequest", CAMPAIGN, {"ApplicationId": "a", "CampaignId": "c"}),
        ("segment", "WriteSegmentRequest", SEGMENT, {"ApplicationId": "a", "SegmentId": "s"}),
    ],
)
def test_create_and_update_cli_input_json_imports_the_request_inside(
    kind: str, wrapper: str, body: dict[str, Any], parameters: dict[str, str]
) -> None:
    """`aws pinpoint create-journey --cli-input-json file://j.json` takes
    `{"ApplicationId": ..., "WriteJourneyRequest": {...}}`; `update-journey` adds JourneyId."""
    [found] = translate(kind, {**parameters, wrapper: body}, "x")
    assert isinstance(found, Journey | Campaign | Segment)
    assert found == translate(kind, body, "x")[0]


def test_a_member_beside_the_wrapped_request_that_no_call_takes_is_named() -> None:
    with pytest.raises(PinpointImportError) as raised:
        translate("journey", {"WriteJourneyRequest": JOURNEY, "CampaignId": "c"}, "x")
    assert str(raised.value) == (
        "$.CampaignId: not a parameter of the calls that take a WriteJourneyRequest; "
        "allowed: ApplicationId, JourneyId, WriteJourneyRequest"
    )
