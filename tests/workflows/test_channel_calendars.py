"""Open hours and closed days belong to a channel: EMAIL's calendar holds EMAIL steps only."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from tests.workflows.engine import Engine, endpoint, journey, template


async def test_email_closed_day_and_open_hours_do_not_hold_an_sms_step(engine: Engine) -> None:
    now = await engine.now()
    closed = {
        "name": "audit",
        "start": (now - timedelta(hours=1)).isoformat(),
        "end": (now + timedelta(days=1)).isoformat(),
    }
    # EMAIL opens only in an hour-long window, every day, hours away from now (and within
    # one day: a window may not wrap past midnight).
    opens, shuts = ("12:00", "13:00") if now.hour < 6 else ("03:00", "04:00")
    every_day = {
        day: [{"start": opens, "end": shuts}]
        for day in ("MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN")
    }
    settings: dict[str, Any] = {
        "open_hours": {"channels": {"EMAIL": every_day}},
        "closed_days": {"EMAIL": [closed]},
    }
    await engine.apply(
        endpoint("texter", ChannelType="SMS", Address="+15555550181"),
        endpoint("mailer", Demographic={"Timezone": "UTC"}),
        template("sms", "SMS"),
        template("mail"),
        journey(
            "texts", "go", {"go": {"type": "send", "channel": "SMS", "template": "sms"}}, **settings
        ),
        journey("mails", "go", {"go": {"type": "send", "template": "mail"}}, **settings),
    )
    await engine.herald.enter("texts", "texter")
    texted = await engine.finish("texts", "texter")
    assert texted.visits[0].outcome == "sent"
    assert [m.channel.value for m in await engine.outbox("texts")] == ["SMS"]

    await engine.herald.enter("mails", "mailer")
    held = await engine.waiting("mails", "mailer", on="go")
    assert held.waiting_for == "quiet_time"
    assert held.waiting_until == now + timedelta(days=1), "until the closed day ends"
    assert await engine.outbox("mails") == []
