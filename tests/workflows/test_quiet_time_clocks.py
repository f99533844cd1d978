"""Quiet time and open hours read on the participant's own clock: in the hour a fall-back
repeats, for a user whose phone carries no timezone, and with times written with an offset."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from tests.workflows.engine import Engine, endpoint, journey, quiet_around, template

ONE_SEND = {"hello": {"type": "send", "template": "t"}}
# New York falls back on 2027-11-07: 01:00-02:00 happens twice. 06:15 UTC is 01:15 EST, the
# second pass; the clock reads 01:30 again at 06:30 UTC.
SECOND_PASS = datetime(2027, 11, 7, 6, 15, tzinfo=UTC)
CLOCK_AT_0130_AGAIN = datetime(2027, 11, 7, 6, 30, tzinfo=UTC)


@pytest.fixture
def engine(own_server_engine: Engine) -> Engine:
    """A server of its own: these tests move its clock to chosen dates."""
    return own_server_engine


async def travel(engine: Engine, to: datetime) -> None:
    now = await engine.now()
    assert to > now, f"the test server is already at {now}"
    await engine.skip(to - now)


async def sent_at(engine: Engine, journey_name: str) -> datetime:
    [message] = await engine.herald.messages(journey=journey_name)
    assert message.status.value == "SENT", (message.status, message.reason)
    return message.created_at


def new_yorker(name: str) -> dict[str, Any]:
    return endpoint(name, Demographic={"Timezone": "America/New_York"})


async def test_quiet_time_in_the_repeated_hour_of_a_fall_back_ends_on_the_clock(
    engine: Engine,
) -> None:
    """At 01:15 of the second pass the clock is inside quiet time 22:00-01:30: the message is
    held until the clock reads 01:30 again, not deferred to the 01:30 an hour gone (which
    held it, asking again at once, until it was given up after 50 deferrals)."""
    quiet = {"quiet_time": {"start": "22:00", "end": "01:30", "mode": "wait"}}
    await engine.apply(
        new_yorker("owl"), template("t"), journey("fallback", "hello", ONE_SEND, **quiet)
    )
    await travel(engine, SECOND_PASS)
    await engine.herald.enter("fallback", "owl")
    held = await engine.waiting("fallback", "owl", on="hello")
    assert held.waiting_until == CLOCK_AT_0130_AGAIN

    await engine.skip(timedelta(hours=1))
    assert (await engine.finish("fallback", "owl")).visits[0].outcome == "sent"
    went = await sent_at(engine, "fallback")
    assert CLOCK_AT_0130_AGAIN <= went < CLOCK_AT_0130_AGAIN + timedelta(minutes=1)


async def test_open_hours_in_the_repeated_hour_of_a_fall_back_open_on_the_clock(
    engine: Engine,
) -> None:
    """A window opening at 01:30 on the fall-back Sunday, asked at 01:15 of the second
    pass, opens when the clock reads 01:30 again, 15 minutes later."""
    sunday = [{"start": "01:30", "end": "23:00"}]
    hours = {"open_hours": {"channels": {"EMAIL": {"SUN": sunday}}}}
    await engine.apply(
        new_yorker("lark"), template("t"), journey("fallback-hours", "hello", ONE_SEND, **hours)
    )
    await travel(engine, SECOND_PASS)
    await engine.herald.enter("fallback-hours", "lark")
    held = await engine.waiting("fallback-hours", "lark", on="hello")
    assert held.waiting_until == CLOCK_AT_0130_AGAIN

    await engine.skip(timedelta(hours=1))
    assert (await engine.finish("fallback-hours", "lark")).visits[0].outcome == "sent"
    assert await sent_at(engine, "fallback-hours") >= CLOCK_AT_0130_AGAIN


def device(endpoint_id: str, channel: str, **fields: Any) -> dict[str, Any]:
    address = "+15555550142" if channel == "SMS" else f"{endpoint_id}@example.com"
    return endpoint(
        endpoint_id, ChannelType=channel, Address=address, User={"UserId": "kim"}, **fields
    )


async def test_a_users_phone_without_a_timezone_keeps_the_users_quiet_time(
    engine: Engine,
) -> None:
    """Kim's email endpoint says Tokyo; her phone says nothing. Her waits already run on
    Tokyo's clock (the user's first endpoint with a timezone); her quiet time now does too,
    rather than the journey's UTC, which let a text go at 23:00 in Tokyo."""
    steps = {"text": {"type": "send", "channel": "SMS", "template": "s"}}
    settings = {
        "entry": {"participant": "user"},
        "quiet_time": {"start": "22:00", "end": "07:00", "mode": "wait"},
    }
    await engine.apply(
        device("kim-mail", "EMAIL", Demographic={"Timezone": "Asia/Tokyo"}),
        device("kim-phone", "SMS"),
        template("s", "SMS"),
        journey("tokyo-nights", "text", steps, **settings),
    )
    await travel(engine, datetime(2027, 6, 1, 14, 0, tzinfo=UTC))  # 23:00 in Tokyo
    await engine.herald.enter("tokyo-nights", user_id="kim")
    morning = datetime(2027, 6, 1, 22, 0, tzinfo=UTC)  # 07:00 in Tokyo
    assert (await engine.waiting("tokyo-nights", "kim", on="text")).waiting_until == morning

    await engine.skip(timedelta(hours=9))
    assert (await engine.finish("tokyo-nights", "kim")).visits[0].outcome == "sent"
    assert morning <= await sent_at(engine, "tokyo-nights") < morning + timedelta(minutes=1)


async def test_quiet_time_written_with_an_offset_holds_on_the_participants_clock(
    engine: Engine,
) -> None:
    """`22:00Z` parsed as a time with an offset, which could not be compared with the
    participant's local time: every send of the journey failed and was retried for good.
    The offset is dropped, as open hours always dropped it."""
    quiet = {k: f"{v}Z" if k != "mode" else v for k, v in quiet_around(await engine.now()).items()}
    await engine.apply(
        endpoint("zulu"), template("t"), journey("zulu-quiet", "hello", ONE_SEND, quiet_time=quiet)
    )
    await engine.herald.enter("zulu-quiet", "zulu")
    held = await engine.waiting("zulu-quiet", "zulu", on="hello")
    assert held.waiting_for == "quiet_time"
    await engine.skip(timedelta(hours=3))  # quiet time ends two hours from now
    assert (await engine.finish("zulu-quiet", "zulu")).visits[0].outcome == "sent"
