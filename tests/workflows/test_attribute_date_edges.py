"""`wait` until an attribute's date: dates at the edges of the calendar (years 1 and 9999)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from temporalio.client import WorkflowExecutionStatus

from herald.journeys.waits import plan_wait
from herald.models import Endpoint
from herald.models.journey_steps import WaitStep
from tests.helpers import eventually
from tests.workflows.engine import Engine, endpoint, journey, template

NOW = datetime(2027, 3, 1, tzinfo=UTC)


def _wait(offset: str) -> dict[str, object]:
    return {"type": "wait", "attribute_date": {"name": "RenewsOn", "offset": offset}}


@pytest.mark.parametrize(
    ("zone", "offset"),
    [("Asia/Tokyo", "PT0S"), ("America/New_York", "-P3D")],
    ids=["east-of-utc", "minus-three-days"],
)
async def test_a_min_value_date_is_long_past_and_does_not_hold_the_participant(
    engine: Engine, zone: str, offset: str
) -> None:
    """`0001-01-01T00:00:00` is what .NET (DateTime.MinValue) and many exports write for "no
    date". Minus three days, or moved to UTC from a zone east of it, it is before year 1: a
    date long past, so the wait ends at once instead of its planning failing (OverflowError)
    and being retried while the participant is held at the step."""
    name = f"renewal-{zone.split('/')[1].lower()}"
    steps = {
        "before": {**_wait(offset), "next": "remind"},
        "remind": {"type": "send", "template": "t"},
    }
    attributes = {"RenewsOn": ["0001-01-01T00:00:00"]}
    await engine.apply(
        endpoint("minval", Demographic={"Timezone": zone}, Attributes=attributes),
        template("t"),
        journey(name, "before", steps),
    )
    await engine.herald.enter(name, "minval")
    described = await eventually(
        engine.handle(name, "minval").describe,
        lambda d: d.status != WorkflowExecutionStatus.RUNNING,
        deadline_s=15,
        what="the journey to finish",
    )
    assert described.status == WorkflowExecutionStatus.COMPLETED
    assert [m.step_id for m in await engine.outbox(name)] == ["remind"]


def _plan(renews_on: str, offset: str, zone: str) -> tuple[datetime, str]:
    doc = endpoint("edge", Attributes={"RenewsOn": [renews_on]}, Demographic={"Timezone": zone})
    doc.pop("kind")
    plan = plan_wait(
        Endpoint.model_validate(doc), WaitStep.model_validate(_wait(offset)), NOW, "UTC"
    )
    return plan.until, plan.note


@pytest.mark.parametrize(
    ("renews_on", "offset", "zone"),
    [
        ("0001-01-01T00:00:00", "-P3D", "UTC"),
        ("0001-01-01T00:00:00", "PT0S", "Asia/Tokyo"),
        ("0001-01-01T00:00:00+02:00", "PT0S", "UTC"),
    ],
    ids=["minus-offset", "east-of-utc", "aware"],
)
def test_a_date_before_year_1_is_long_past(renews_on: str, offset: str, zone: str) -> None:
    until, note = _plan(renews_on, offset, zone)
    assert until == NOW
    assert note.endswith("is before year 1: long past")


@pytest.mark.parametrize(
    ("renews_on", "offset", "zone"),
    [
        ("9999-12-31T00:00:00", "P3D", "UTC"),
        ("9999-12-31T23:00:00", "PT0S", "America/New_York"),
    ],
    ids=["plus-offset", "west-of-utc"],
)
def test_a_date_after_year_9999_is_not_waited_for_as_a_value_that_is_no_date(
    renews_on: str, offset: str, zone: str
) -> None:
    """Beyond the calendar is no instant to wait for: the participant goes on at once, as
    for a value that is not an ISO date, and the note says why."""
    until, note = _plan(renews_on, offset, zone)
    assert until == NOW
    assert note.endswith("is after year 9999; not waiting")
    not_a_date = _plan("someday", offset, zone)
    assert not_a_date == (NOW, "'RenewsOn' value 'someday' is not an ISO date; not waiting")
