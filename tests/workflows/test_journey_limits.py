"""A journey's limits and schedule: total and timeframe caps, messages per second, the
schedule's end, and its timezone for participants that have none."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from herald.models import DEFINITION_ADAPTER, MessageStatus
from herald.models.journey_run import journey_run_workflow_id
from tests.helpers import eventually
from tests.workflows.engine import Engine, endpoint, journey, template


def sends_with_waits(count: int, wait: str) -> dict[str, Any]:
    """s1, wait, s2, wait, ... s`count`: one message a step, `wait` apart."""
    steps: dict[str, Any] = {}
    for n in range(1, count + 1):
        last = n == count
        steps[f"s{n}"] = {"type": "send", "template": "t", **({} if last else {"next": f"w{n}"})}
        if not last:
            steps[f"w{n}"] = {"type": "wait", "duration": wait, "next": f"s{n + 1}"}
    return steps


def send_outcomes(visits: list[Any]) -> list[str]:
    return [v.outcome for v in visits if v.type == "send"]


async def test_total_cap_skips_every_message_past_it_however_far_apart(engine: Engine) -> None:
    # Two days apart: a daily cap would let all three through; the total cap does not.
    await engine.apply(
        endpoint("tot"),
        template("t"),
        journey("total", "s1", sends_with_waits(3, "P2D"), limits={"total_cap": 2}),
    )
    await engine.herald.enter("total", "tot")
    for wait in ("w1", "w2"):
        await engine.waiting("total", "tot", on=wait)
        await engine.skip(timedelta(days=2, minutes=1))
    result = await engine.finish("total", "tot")
    assert send_outcomes(result.visits) == [
        "sent",
        "sent",
        "skipped: total cap reached (2 message(s))",
    ]
    assert [m.step_id for m in await engine.outbox("total")] == ["s1", "s2"]


async def test_timeframe_cap_counts_only_the_messages_inside_its_window(engine: Engine) -> None:
    steps = sends_with_waits(3, "P1D")
    steps["s3"]["next"] = "later"
    steps["later"] = {"type": "wait", "duration": "P7D", "next": "s4"}
    steps["s4"] = {"type": "send", "template": "t"}
    cap = {"timeframe_cap": {"count": 2, "window": "P7D"}}
    await engine.apply(endpoint("tf"), template("t"), journey("frame", "s1", steps, limits=cap))
    await engine.herald.enter("frame", "tf")
    await engine.waiting("frame", "tf", on="w1")
    await engine.skip(timedelta(days=2, minutes=1))
    await engine.waiting("frame", "tf", on="later")
    assert [m.step_id for m in await engine.outbox("frame")] == ["s1", "s2"]
    # A week on, the first two have left the window: the fourth goes.
    await engine.skip(timedelta(days=7, minutes=1))
    result = await engine.finish("frame", "tf")
    assert send_outcomes(result.visits) == [
        "sent",
        "sent",
        "skipped: timeframe cap of 2 per P7D reached (2 message(s))",
        "sent",
    ]
    assert [m.step_id for m in await engine.outbox("frame")] == ["s1", "s2", "s4"]


async def test_messages_per_second_spreads_the_sends_and_loses_none(engine: Engine) -> None:
    rate, people = 2, [f"mps{i:02}" for i in range(12)]
    hello = {"hello": {"type": "send", "template": "t"}}
    await engine.apply(
        *(endpoint(p) for p in people),
        template("t"),
        journey("paced", "hello", hello, limits={"messages_per_second": rate}),
    )
    for person in people:
        await engine.herald.enter("paced", person)
    for person in people:
        assert (await engine.finish("paced", person)).visits[0].outcome == "sent"
    sent = await engine.outbox("paced")
    assert sorted(m.endpoint_id for m in sent) == people, "every participant got its message"
    logged = await engine.herald.messages(journey="paced")
    assert [m.status for m in logged] == [MessageStatus.SENT] * len(people)
    # The outbox stamps the wall clock when the provider takes a message: at 2 a second,
    # twelve messages take at least 5.5 s (the later ones past the throttle's 5 s of
    # waiting are retried, not dropped).
    stamps = sorted(m.created_at for m in sent)
    span = (stamps[-1] - stamps[0]).total_seconds()
    assert span >= (len(people) - 1) / rate - 0.1, f"{len(people)} messages went in {span:.2f}s"


async def test_schedule_end_refuses_direct_entry_after_it(engine: Engine) -> None:
    ends = (await engine.now() + timedelta(days=1)).replace(microsecond=0)
    steps = {"hello": {"type": "send", "template": "t"}}
    await engine.apply(
        endpoint("early"),
        endpoint("late"),
        template("t"),
        journey("ending", "hello", steps, schedule={"end": ends.isoformat()}),
    )
    early = await engine.herald.enter("ending", "early")
    assert early.refused is None
    await engine.finish("ending", "early")
    await engine.skip(timedelta(days=1, minutes=1))
    late = await engine.herald.enter("ending", "late")
    assert late.refused == f"journey ended at {ends.isoformat()}"
    assert [m.endpoint_id for m in await engine.outbox("ending")] == ["early"]


async def test_segment_run_admits_nobody_after_the_schedule_end(engine: Engine) -> None:
    ends = await engine.now() + timedelta(days=1)
    segment = {"kind": "Segment", "name": "closing", "endpoint_ids": ["c1", "c2"]}
    settings = {
        "entry": {"segment": {"segment": "closing", "refresh": "P2D"}},
        "schedule": {"end": ends.isoformat()},
    }
    await engine.apply(endpoint("c1"), endpoint("c2"), endpoint("c3"), segment, template("t"))
    hello = {"hello": {"type": "send", "template": "t"}}
    await engine.herald.apply(
        [DEFINITION_ADAPTER.validate_python(journey("closing", "hello", hello, **settings))]
    )
    await eventually(lambda: engine.outbox("closing"), lambda m: len(m) == 2, what="the first pass")
    # c3 joins; the next pass comes after the end and admits nobody.
    await engine.apply({**segment, "endpoint_ids": ["c1", "c2", "c3"]})
    await engine.skip(timedelta(days=2, minutes=1))
    run = engine.env.client.get_workflow_handle(journey_run_workflow_id("closing"))
    assert await run.result() == 2
    assert sorted(m.endpoint_id for m in await engine.outbox("closing")) == ["c1", "c2"]


@pytest.fixture
def own_engine(own_server_engine: Engine) -> Engine:
    """A server of its own: this test moves its clock to a chosen date."""
    return own_server_engine


async def test_schedule_timezone_stands_in_for_a_participant_without_one(
    own_engine: Engine,
) -> None:
    engine = own_engine
    hello = {"hello": {"type": "send", "template": "t"}}
    morning = {
        "morning": {"type": "wait", "local_time": "09:00", "next": "hello"},
        "hello": {"type": "send", "template": "t"},
    }
    quiet = {"quiet_time": {"start": "00:00", "end": "09:00"}}
    await engine.apply(
        endpoint("nozone"),  # no Demographic.Timezone
        endpoint("utc", Demographic={"Timezone": "UTC"}),
        template("t"),
        journey("ny-quiet", "hello", hello, schedule={"timezone": "America/New_York"}, **quiet),
        journey("tokyo-wait", "morning", morning, schedule={"timezone": "Asia/Tokyo"}),
    )
    # 12:00 UTC is 08:00 in New York (EDT), inside quiet time there and not in UTC.
    now = await engine.now()
    assert now < datetime(2027, 6, 1, 12, 0, tzinfo=UTC)
    await engine.skip(datetime(2027, 6, 1, 12, 0, tzinfo=UTC) - now)
    await engine.herald.enter("ny-quiet", "utc")
    assert (await engine.finish("ny-quiet", "utc")).visits[0].outcome == "sent"
    await engine.herald.enter("ny-quiet", "nozone")
    held = await engine.waiting("ny-quiet", "nozone")
    assert held.waiting_for == "quiet_time"
    assert held.waiting_until == datetime(2027, 6, 1, 13, 0, tzinfo=UTC)  # 09:00 EDT
    # 12:00 UTC is 21:00 in Tokyo: the next 09:00 there is midnight UTC.
    await engine.herald.enter("tokyo-wait", "nozone")
    waiting = await engine.waiting("tokyo-wait", "nozone", on="morning")
    assert waiting.waiting_until == datetime(2027, 6, 2, 0, 0, tzinfo=UTC)
    await engine.skip(timedelta(hours=12, minutes=1))
    result = await engine.finish("tokyo-wait", "nozone")
    assert result.visits[1].entered_at >= datetime(2027, 6, 2, 0, 0, tzinfo=UTC)
    assert (await engine.finish("ny-quiet", "nozone")).visits[0].outcome == "sent"


USER_STEPS = {
    "mail": {"type": "send", "template": "m", "next": "text"},
    "text": {"type": "send", "channel": "SMS", "template": "s"},
}


def _device(endpoint_id: str, user: str, channel: str = "EMAIL") -> dict[str, Any]:
    address = "+15555550177" if channel == "SMS" else f"{endpoint_id}@example.com"
    return endpoint(endpoint_id, ChannelType=channel, Address=address, User={"UserId": user})


@pytest.mark.parametrize("cap", ["total_cap", "daily_cap"])
async def test_a_user_journeys_cap_counts_the_users_sends_on_all_endpoints(
    engine: Engine, cap: str
) -> None:
    """One send to a user's two email addresses counts once; the SMS step after it is the
    user's second message, on another endpoint."""
    name = f"user-{cap.replace('_', '-')}"
    settings = {"entry": {"participant": "user"}, "limits": {cap: 1}}
    await engine.apply(
        _device(f"{name}-work", name), _device(f"{name}-home", name),
        _device(f"{name}-phone", name, "SMS"), template("m"), template("s", "SMS"),
        journey(name, "mail", USER_STEPS, **settings),
    )  # fmt: skip
    await engine.herald.enter(name, user_id=name)
    result = await engine.finish(name, name)
    capped = f"skipped: {cap.replace('_', ' ')} reached (1 message(s))"
    assert [v.outcome for v in result.visits] == ["sent", capped]
    sent = await engine.outbox(name)
    assert sorted(m.endpoint_id for m in sent) == [f"{name}-home", f"{name}-work"]


async def test_a_daily_cap_counts_a_held_message_from_when_it_went(engine: Engine) -> None:
    """Held two days by a closed day, the first message goes then; the second, an hour
    later, is within the same day."""
    steps = {
        "s1": {"type": "send", "template": "t", "next": "w"},
        "w": {"type": "wait", "duration": "PT1H", "next": "s2"},
        "s2": {"type": "send", "template": "t"},
    }
    now = await engine.now()
    closed = [{"name": "holiday", "start": (now - timedelta(minutes=1)).isoformat(),
               "end": (now + timedelta(days=2)).isoformat()}]  # fmt: skip
    settings = {"limits": {"daily_cap": 1}, "closed_days": {"EMAIL": closed}}
    await engine.apply(endpoint("hela", Demographic={"Timezone": "UTC"}), template("t"),
                       journey("cap-held", "s1", steps, **settings))  # fmt: skip
    await engine.herald.enter("cap-held", "hela")
    await engine.waiting("cap-held", "hela", on="s1")  # held by the closed day
    await engine.skip(timedelta(days=2, minutes=1))
    await engine.waiting("cap-held", "hela", on="w")
    await engine.skip(timedelta(hours=1, minutes=1))
    result = await engine.finish("cap-held", "hela")
    outcomes = [v.outcome for v in result.visits if v.type == "send"]
    assert outcomes == ["sent", "skipped: daily cap reached (1 message(s))"]
