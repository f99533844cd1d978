"""Two-way replies: keyword and pattern branches, other replies, and the timeout."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from herald.models.journey_run import ReplySignal
from tests.workflows.engine import Engine, endpoint, journey, template

SURVEY: dict[str, dict[str, Any]] = {
    "ask": {"type": "send", "channel": "SMS", "template": "ask", "next": "answer"},
    "answer": {
        "type": "wait_for_reply",
        "after_step": "ask",
        "branches": [
            {"keywords": ["YES", "Y"], "next": "glad"},
            {"pattern": "^[1-5]$", "next": "score"},
        ],
        "on_other_reply": "huh",
        "timeout": "P2D",
        "on_timeout": "nudge",
    },
    "glad": {"type": "exit"},
    "score": {"type": "exit"},
    "huh": {"type": "exit"},
    "nudge": {"type": "exit"},
}


def reply(text: str, n: int) -> ReplySignal:
    now = datetime.now(UTC)
    return ReplySignal(id=f"r{n}", channel="SMS", text=text, from_address="+1555", received_at=now)


@pytest.mark.parametrize(
    ("text", "branch"), [("yes please", "glad"), ("4", "score"), ("what is this", "huh")]
)
async def test_a_reply_takes_its_branch(engine: Engine, text: str, branch: str) -> None:
    who = f"sms-{branch}"
    await engine.apply(
        endpoint(who, ChannelType="SMS", Address="+15555550123"),
        template("ask", "SMS"),
        journey(f"survey-{branch}", "ask", SURVEY),
    )
    await engine.herald.enter(f"survey-{branch}", who)
    await engine.waiting(f"survey-{branch}", who, on="answer")
    assert await engine.herald.deliver_reply(who, reply(text, 1)) == 1
    result = await engine.finish(f"survey-{branch}", who)
    assert engine.path(result) == ["ask", "answer", branch]


async def test_no_reply_times_out(engine: Engine) -> None:
    await engine.apply(
        endpoint("silent", ChannelType="SMS", Address="+15555550199"),
        template("ask", "SMS"),
        journey("survey-quiet", "ask", SURVEY),
    )
    await engine.herald.enter("survey-quiet", "silent")
    state = await engine.waiting("survey-quiet", "silent", on="answer")
    assert state.waiting_for == "reply"
    await engine.skip(timedelta(days=2, minutes=1))
    result = await engine.finish("survey-quiet", "silent")
    assert engine.path(result) == ["ask", "answer", "nudge"]


@pytest.mark.parametrize(
    ("n", "text"), [(1, "Sí"), (2, "Yes!🙂"), (3, "¡SI!"), (4, "yes.")], ids=str
)
async def test_a_keyword_matches_as_phones_write_it(engine: Engine, n: int, text: str) -> None:
    """Accents, emoji and punctuation around the first word do not hide a keyword, as they
    do not hide STOP (before, "Sí" to SI went to `on_other_reply`)."""
    branches = [
        {"keywords": ["YES", "SI"], "next": "glad"},
        {"pattern": "^[1-5]$", "next": "score"},
    ]
    answer = {**SURVEY["answer"], "branches": branches}
    survey = {**SURVEY, "answer": answer}
    who = f"sms-kw-{n}"
    await engine.apply(
        endpoint(who, ChannelType="SMS", Address="+15555550123"),
        template("ask", "SMS"),
        journey(f"survey-kw-{n}", "ask", survey),
    )
    await engine.herald.enter(f"survey-kw-{n}", who)
    await engine.waiting(f"survey-kw-{n}", who, on="answer")
    assert await engine.herald.deliver_reply(who, reply(text, n)) == 1
    result = await engine.finish(f"survey-kw-{n}", who)
    assert engine.path(result) == ["ask", "answer", "glad"]
