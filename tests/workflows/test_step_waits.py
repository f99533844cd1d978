"""Wait steps: until a time, until a local time in the participant's zone, an attribute date."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from herald.journeys.waits import next_local_time, plan_wait
from herald.models import Endpoint
from herald.models.journey_steps import WaitStep
from tests.workflows.engine import Engine, endpoint, journey, template

PARIS = "Europe/Paris"


def test_next_local_time_keeps_wall_clock_across_dst_in_two_zones() -> None:
    paris, new_york = ZoneInfo("Europe/Paris"), ZoneInfo("America/New_York")
    # Saturday before Europe springs forward (2027-03-28) and US (2027-03-14) already has.
    now = datetime(2027, 3, 27, 12, 0, tzinfo=UTC)
    in_paris = next_local_time(now, time(9, 0), paris, [])
    in_ny = next_local_time(now, time(9, 0), new_york, [])
    assert in_paris.astimezone(paris).time() == time(9, 0)
    assert in_paris == datetime(2027, 3, 28, 7, 0, tzinfo=UTC)  # CEST: UTC+2 after the change
    assert in_ny == datetime(2027, 3, 27, 13, 0, tzinfo=UTC)  # EDT: UTC-4
    monday = next_local_time(now, time(9, 0), paris, ["MON"])
    assert monday == datetime(2027, 3, 29, 7, 0, tzinfo=UTC)


def _paris_renewal(renewal: str, offset: str) -> datetime:
    """When a wait for `renewal` (an attribute, Paris time) plus `offset` ends, in Paris."""
    doc = endpoint("rene", Attributes={"Renewal": [renewal]}, Demographic={"Timezone": PARIS})
    doc.pop("kind")
    spec = {"type": "wait", "attribute_date": {"name": "Renewal", "offset": offset}}
    plan = plan_wait(
        Endpoint.model_validate(doc),
        WaitStep.model_validate(spec),
        datetime(2027, 3, 1, tzinfo=UTC),
        "UTC",
    )
    return plan.until.astimezone(ZoneInfo(PARIS))


def test_an_attribute_date_offset_counts_days_on_the_participants_calendar() -> None:
    """Europe's clocks move on 28 March 2027: three days before a renewal on the 30th is the
    27th at midnight, not 72 hours before (23:00 on the 26th)."""
    paris = ZoneInfo(PARIS)
    assert _paris_renewal("2027-03-30", "-P3D") == datetime(2027, 3, 27, tzinfo=paris)
    assert _paris_renewal("2027-03-29T09:00:00", "-P2D") == datetime(2027, 3, 27, 9, tzinfo=paris)


async def test_local_time_wait_lands_at_that_hour_in_each_participants_zone(
    engine: Engine,
) -> None:
    steps = {
        "morning": {"type": "wait", "local_time": "09:30", "next": "hello"},
        "hello": {"type": "send", "template": "hi"},
    }
    await engine.apply(
        endpoint("paris", Demographic={"Timezone": "Europe/Paris"}),
        endpoint("tokyo", Demographic={"Timezone": "Asia/Tokyo"}),
        template("hi"),
        journey("morning", "morning", steps),
    )
    for who in ("paris", "tokyo"):
        await engine.herald.enter("morning", who)
    wake: dict[str, datetime] = {}
    for who, zone in (("paris", "Europe/Paris"), ("tokyo", "Asia/Tokyo")):
        state = await engine.waiting("morning", who)
        assert state.waiting_until is not None
        local = state.waiting_until.astimezone(ZoneInfo(zone))
        assert (local.hour, local.minute) == (9, 30)
        assert state.waiting_until - await engine.now() < timedelta(days=1, minutes=5)
        wake[who] = state.waiting_until
    await engine.skip(timedelta(days=1, hours=1))
    for who in ("paris", "tokyo"):
        result = await engine.finish("morning", who)
        assert engine.path(result) == ["morning", "hello"]
        assert result.visits[1].entered_at >= wake[who]


async def test_attribute_date_wait_and_a_missing_date_does_not_block(engine: Engine) -> None:
    renewal = (await engine.now() + timedelta(days=10)).date().isoformat()
    steps = {
        "before": {
            "type": "wait",
            "attribute_date": {"name": "Renewal", "offset": "-P3D"},
            "next": "remind",
        },
        "remind": {"type": "send", "template": "hi"},
    }
    await engine.apply(
        endpoint("ren", Attributes={"Renewal": [renewal]}, Demographic={"Timezone": "UTC"}),
        endpoint("nodate"),
        template("hi"),
        journey("renewal", "before", steps),
    )
    await engine.herald.enter("renewal", "ren")
    await engine.herald.enter("renewal", "nodate")
    skipped = await engine.finish("renewal", "nodate")
    assert engine.path(skipped) == ["before", "remind"]
    state = await engine.waiting("renewal", "ren")
    due = datetime.fromisoformat(renewal).replace(tzinfo=UTC) - timedelta(days=3)
    assert state.waiting_until == due
    await engine.skip(timedelta(days=8))
    result = await engine.finish("renewal", "ren")
    assert result.visits[1].entered_at >= due


async def test_wait_until_an_absolute_time(engine: Engine) -> None:
    at = (await engine.now() + timedelta(days=2)).replace(microsecond=0)
    steps = {
        "hold": {"type": "wait", "until": at.isoformat(), "next": "go"},
        "go": {"type": "send", "template": "hi"},
    }
    await engine.apply(endpoint("abs"), template("hi"), journey("absolute", "hold", steps))
    await engine.herald.enter("absolute", "abs")
    state = await engine.waiting("absolute", "abs")
    assert state.waiting_until == at
    await engine.skip(timedelta(days=2, minutes=5))
    result = await engine.finish("absolute", "abs")
    assert result.visits[1].entered_at >= at
    assert len(await engine.outbox("absolute")) == 1
