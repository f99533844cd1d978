"""A journey's sending rules at send time: quiet time (across DST, in two timezones), caps,
open hours and closed days."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from typing import Any

import pytest

from tests.workflows.engine import Engine, endpoint, journey, template

ONE_SEND = {"hello": {"type": "send", "template": "t"}}
QUIET = {"quiet_time": {"start": "22:00", "end": "07:00"}}


@pytest.fixture
def engine(own_server_engine: Engine) -> Engine:
    """A server of its own: these tests move its clock to chosen dates."""
    return own_server_engine


async def travel(engine: Engine, to: datetime) -> None:
    now = await engine.now()
    assert to > now, f"the test server is already at {now}"
    await engine.skip(to - now)


def person(name: str, zone: str) -> dict[str, Any]:
    return endpoint(name, Demographic={"Timezone": zone})


async def test_quiet_time_holds_until_local_morning_across_dst_in_two_zones(
    engine: Engine,
) -> None:
    await engine.apply(
        person("ny", "America/New_York"),
        person("paris", "Europe/Paris"),
        template("t"),
        journey("quiet", "hello", ONE_SEND, **QUIET),
    )
    # 00:00 in New York on the night clocks go forward (2027-03-14, EST -> EDT).
    await travel(engine, datetime(2027, 3, 14, 5, 0, tzinfo=UTC))
    await engine.herald.enter("quiet", "ny")
    held = await engine.waiting("quiet", "ny")
    assert held.waiting_for == "quiet_time"
    assert held.waiting_until == datetime(2027, 3, 14, 11, 0, tzinfo=UTC)  # 07:00 EDT
    # 01:30 in Paris on its night of the change (2027-03-28, CET -> CEST).
    await travel(engine, datetime(2027, 3, 28, 0, 30, tzinfo=UTC))
    await engine.herald.enter("quiet", "paris")
    held = await engine.waiting("quiet", "paris")
    assert held.waiting_until == datetime(2027, 3, 28, 5, 0, tzinfo=UTC)  # 07:00 CEST
    assert len(await engine.outbox("quiet")) == 1, "only New York's morning has come"
    await engine.skip(timedelta(hours=5))
    result = await engine.finish("quiet", "paris")
    assert result.visits[0].outcome == "sent"
    assert len(await engine.outbox("quiet")) == 2


async def test_quiet_time_skip_mode_and_daily_cap(engine: Engine) -> None:
    three = {
        "a": {"type": "send", "template": "t", "next": "b"},
        "b": {"type": "send", "template": "t", "next": "c"},
        "c": {"type": "send", "template": "t"},
    }
    skip_quiet = {"quiet_time": {"start": "00:00", "end": "06:00", "mode": "skip"}}
    await engine.apply(
        person("night", "UTC"),
        person("capped", "UTC"),
        template("t"),
        journey("skipper", "hello", ONE_SEND, **skip_quiet),
        journey("capper", "a", three, limits={"daily_cap": 2}),
    )
    now = await engine.now()
    await travel(
        engine,
        datetime.combine(now.date() + timedelta(days=1), datetime.min.time(), UTC)
        + timedelta(hours=1),
    )
    await engine.herald.enter("skipper", "night")
    skipped = await engine.finish("skipper", "night")
    assert skipped.visits[0].outcome == "skipped: quiet time 00:00:00-06:00:00"
    await engine.herald.enter("capper", "capped")
    capped = await engine.finish("capper", "capped")
    assert [v.outcome for v in capped.visits] == [
        "sent",
        "sent",
        "skipped: daily cap reached (2 message(s))",
    ]


async def test_open_hours_and_closed_days_defer_to_the_next_opening(engine: Engine) -> None:
    await travel(engine, datetime(2027, 12, 24, 20, 0, tzinfo=UTC))  # a Friday evening
    office_hours = [{"start": "09:00", "end": "17:00"}]
    weekdays = {day: office_hours for day in ("MON", "TUE", "WED", "THU", "FRI")}
    christmas = {"name": "Christmas", "start": "2027-12-27T00:00:00", "end": "2027-12-28T00:00"}
    settings = {
        "open_hours": {"channels": {"EMAIL": weekdays}},
        "closed_days": {"EMAIL": [christmas]},
    }
    await engine.apply(
        person("office", "UTC"), template("t"), journey("office", "hello", ONE_SEND, **settings)
    )
    await engine.herald.enter("office", "office")
    held = await engine.waiting("office", "office")
    assert held.waiting_until == datetime(2027, 12, 27, 9, 0, tzinfo=UTC)  # Monday 09:00
    await travel(engine, datetime(2027, 12, 27, 9, 1, tzinfo=UTC))
    again = await engine.waiting("office", "office")
    assert again.waiting_until == datetime(2027, 12, 28, 0, 0, tzinfo=UTC), "closed on Monday"
    await travel(engine, datetime(2027, 12, 28, 9, 30, tzinfo=UTC))
    result = await engine.finish("office", "office")
    assert result.visits[0].outcome == "sent"


async def test_a_send_held_by_quiet_time_keeps_its_participant_there_in_the_metrics(
    engine: Engine,
) -> None:
    steps = {
        "hello": {"type": "send", "template": "t", "next": "nap"},
        "nap": {"type": "wait", "duration": "P1D", "next": "bye"},
        "bye": {"type": "send", "template": "t"},
    }
    await engine.apply(
        person("owl", "UTC"), template("t"), journey("night", "hello", steps, **QUIET)
    )
    now = await engine.now()
    await travel(engine, datetime.combine(now.date() + timedelta(days=1), time(23), UTC))
    await engine.herald.enter("night", "owl")
    held = await engine.waiting("night", "owl", on="hello")
    assert held.waiting_for == "quiet_time"
    here = {s.step_id: s.here_now for s in (await engine.herald.journey_metrics("night")).steps}
    assert here == {"hello": 1, "nap": 0, "bye": 0}, "deferred: not yet past its send"

    await engine.skip(timedelta(hours=8, minutes=1))
    await engine.waiting("night", "owl", on="nap")
    metrics = await engine.herald.journey_metrics("night")
    assert {s.step_id: (s.reached, s.here_now) for s in metrics.steps} == {
        "hello": (1, 0),
        "nap": (1, 1),
        "bye": (0, 0),
    }
