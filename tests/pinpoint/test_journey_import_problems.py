"""`herald pinpoint import FILE --kind journey`: what a request that cannot be translated
gets, every problem at once at its Pinpoint JSON path (wrong JSON types, fields Pinpoint does
not have, what Herald refuses), and the wrappers the AWS CLI prints around a request."""

from __future__ import annotations

from tests.pinpoint.journey_requests import ONE_EMAIL, imported, refused, request


def test_json_of_the_wrong_type_is_refused_naming_each_path_and_the_type_expected() -> None:
    branches = [{"Percentage": "50", "NextActivity": "hi"}, "half"]
    problem = refused(
        request(
            {"ab": {"RandomSplit": {"Branches": branches}}, "gone": None, **ONE_EMAIL},
            Limits={"DailyCap": True},
        )
    )
    branch = "$.Activities.ab.RandomSplit.Branches"
    assert problem.splitlines() == [
        f'{branch}.0.Percentage: expected an integer, got a string ("50")',
        f'{branch}.1: expected an object (RandomSplitEntry), got a string ("half")',
        "$.Activities.gone: expected an object (Activity), got null",
        "$.Limits.DailyCap: expected an integer, got a boolean (true)",
    ]


def test_an_operator_pinpoint_does_not_have_is_refused_naming_the_allowed_ones() -> None:
    split = {"Condition": {"Operator": "SOME", "Conditions": []}, "TrueActivity": "hi"}
    assert refused(request({"s": {"ConditionalSplit": split}, **ONE_EMAIL})) == (
        "$.Activities.s.ConditionalSplit.Condition.Operator: 'SOME' is not one of Pinpoint's "
        "Operator values; allowed: ALL, ANY"
    )


def test_every_problem_herald_finds_is_listed_at_the_pinpoint_path_that_caused_it() -> None:
    activities = {
        "one": {"Wait": {"WaitTime": {"WaitFor": "PT1X"}, "NextActivity": "two"}},
        "two": {"Wait": {"WaitTime": {"WaitFor": "P1Q"}, "NextActivity": "hi"}},
        "hi": {"EMAIL": {"TemplateName": "Hi", "NextActivity": "gone"}},
    }
    problem = refused(request(activities, QuietTime={"Start": "25:00", "End": "07:00"}))
    duration = "; expected an ISO 8601 duration such as PT10M, PT1H or P3D"
    assert problem.splitlines() == [
        "$.Activities.one.Wait.WaitTime.WaitFor: Input should be a valid timedelta, "
        "quantity invalid in time part of duration" + duration,
        "$.Activities.two.Wait.WaitTime.WaitFor: Input should be a valid timedelta, "
        "quantity invalid in date part of duration" + duration,
        "$.QuietTime.Start: Input should be in a valid time format, hour value is outside "
        "expected range of 0-23; expected a time of day as HH:MM, e.g. 22:00",
        "$.Activities.hi.EMAIL.NextActivity: 'gone' is not a step; steps are ['hi', 'one', 'two']",
    ]


def test_problems_of_several_activities_and_settings_are_listed_together() -> None:
    activities = {
        "m": {"EMAIL": {"TemplateName": "Hi", "MessageConfig": {"FromAddress": "a@b.c"}}},
        "w": {"Wait": {"WaitTime": {}}},
    }
    problem = refused(request(activities, State="PAUSED"))
    assert [line.split(":")[0] for line in problem.splitlines()] == [
        "$.Activities.m.EMAIL.MessageConfig.FromAddress",
        "$.Activities.w.Wait.WaitTime",
        "$.State",
    ]


def test_a_condition_herald_refuses_is_named_at_the_dimension_it_came_from() -> None:
    dims = {"UserAttributes": {"Plan": {"AttributeType": "CONTAINS", "Values": []}}}
    split = {"Condition": {"Conditions": [{"SegmentDimensions": dims}]}, "TrueActivity": "hi"}
    assert refused(request({"s": {"ConditionalSplit": split}, **ONE_EMAIL})) == (
        "$.Activities.s.ConditionalSplit.Condition.Conditions.0.SegmentDimensions."
        "UserAttributes.Plan: an attribute condition with op 'contains' needs `values`"
    )


def test_an_activity_id_longer_than_a_herald_step_id_is_refused_naming_it() -> None:
    long_id = "A" * 100  # Pinpoint allows 100 alphanumerics; Herald's step ids stop at 64
    problem = refused(request({long_id: ONE_EMAIL["hi"]}))
    assert problem.startswith(
        f"$.Activities.{long_id}: not a Herald step id, which is 1 to 64 letters, digits, "
        "'_', '.' or '-' starting with a letter or digit (this one has 100 characters)"
    )


def test_a_misspelt_field_is_refused_at_its_path_not_dropped() -> None:
    """`NextActivty` would otherwise be ignored, and the send would end the journey."""
    typo = {"hi": {"EMAIL": {"TemplateName": "Hi", "NextActivty": "bye"}}, "bye": {}}
    problem = refused(request(typo))
    assert problem.startswith("$.Activities.hi.EMAIL.NextActivty: not a field of Pinpoint's")
    assert "allowed: MessageConfig, NextActivity," in problem


def test_an_exported_journey_response_imports_as_its_request() -> None:
    """`aws pinpoint get-journey` prints the journey in a JourneyResponse wrapper, with the
    fields Pinpoint adds (Id, ApplicationId, tags); they describe the export and are passed
    over."""
    exported = request(ONE_EMAIL) | {
        "Id": "j",
        "ApplicationId": "app",
        "CreationDate": "2026-01-01T00:00:00Z",
        "LastModifiedDate": "2026-01-02T00:00:00Z",
        "tags": {"team": "growth"},
    }
    journey = imported({"JourneyResponse": exported})
    assert journey == imported(request(ONE_EMAIL))
