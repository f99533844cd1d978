"""Journeys whose participants are users: one workflow per user, sends to each of the user's
endpoints on the step's channel, splits and updates across all of them, and entry by direct
call, segment and event, with replies routed from any of the user's addresses."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from herald.client import NotFoundError
from herald.inbound.models import InboundMessage
from herald.journeys.entry import EntryError
from herald.models import DEFINITION_ADAPTER, Event
from herald.models.journey_run import ReplySignal
from tests.helpers import eventually
from tests.workflows.engine import Engine, ask_yes, endpoint, journey, template

USERS = {"entry": {"participant": "user"}}


def device(endpoint_id: str, user: str, channel: str = "EMAIL", **fields: Any) -> dict[str, Any]:
    address = "+15555550100" if channel == "SMS" else f"{endpoint_id}@example.com"
    user_doc = {"UserId": user, "UserAttributes": fields.pop("UserAttributes", {})}
    return endpoint(endpoint_id, ChannelType=channel, Address=address, User=user_doc, **fields)


ONBOARDING = {
    "hello": {"type": "send", "template": "hello", "next": "mark"},
    "mark": {"type": "update", "set": {"Stage": ["welcomed"]}, "next": "pause"},
    "pause": {"type": "wait", "duration": "P1D", "next": "check"},
    "check": {
        "type": "split",
        "conditions": [
            {"kind": "attribute", "scope": "user", "name": "Plan", "values": ["pro"]},
            {"kind": "segment", "segment": "welcomed"},
        ],
        "yes": "text",
        "no": "done",
    },
    "text": {"type": "send", "channel": "SMS", "template": "tip"},
    "done": {"type": "exit"},
}


async def test_a_user_gets_each_step_on_every_endpoint_of_its_channel(engine: Engine) -> None:
    pro = {"Plan": ["pro"]}
    await engine.apply(
        device("ann-work", "ann", UserAttributes=pro),
        device("ann-home", "ann"),
        device("ann-phone", "ann", "SMS"),
        device("bob-work", "bob"),
        {"kind": "Segment", "name": "welcomed", "rules": [
            {"type": "attribute", "name": "Stage", "values": ["welcomed"]}]},
        template("hello"),
        template("tip", "SMS"),
        journey("user-onboarding", "hello", ONBOARDING, **USERS),
    )  # fmt: skip
    entered = await engine.herald.enter("user-onboarding", user_id="ann")
    assert entered.workflow_id == "journey:user-onboarding:ann"
    await engine.waiting("user-onboarding", "ann", on="pause")
    first = await engine.outbox("user-onboarding")
    assert sorted(m.endpoint_id for m in first) == ["ann-home", "ann-work"]
    # The update step wrote every endpoint through the store, so the segment sees it.
    home = await engine.herald.get_endpoint("ann-home")
    assert home is not None and home.attributes["Stage"] == ["welcomed"]
    await engine.skip(timedelta(days=1, minutes=1))
    assert engine.path(await engine.finish("user-onboarding", "ann"))[-1] == "text"
    texts = [m for m in await engine.outbox("user-onboarding") if m.channel.value == "SMS"]
    assert [m.endpoint_id for m in texts] == ["ann-phone"]


async def test_entry_names_the_kind_of_participant_the_journey_takes(engine: Engine) -> None:
    await engine.apply(
        device("cy-work", "cy"),
        template("hello"),
        journey("users-only", "hello", {"hello": {"type": "send", "template": "hello"}}, **USERS),
    )
    with pytest.raises(EntryError, match="user participants: give a user id"):
        await engine.herald.enter("users-only", "cy-work")
    with pytest.raises(NotFoundError, match="user 'nobody' has no endpoints"):
        await engine.herald.enter("users-only", user_id="nobody")


async def test_segment_entry_admits_each_user_once(engine: Engine) -> None:
    people = [device("d1", "dana"), device("d2", "dana"), device("e1", "eli"), device("f1", "fay")]
    segment = {"kind": "Segment", "name": "some", "endpoint_ids": ["d1", "d2", "e1"]}
    hello = {"hello": {"type": "send", "template": "hello"}}
    settings = {"entry": {"participant": "user", "segment": {"segment": "some"}}}
    await engine.apply(*people, segment, template("hello"))
    definition = DEFINITION_ADAPTER.validate_python(journey("per-user", "hello", hello, **settings))
    await engine.herald.apply([definition])
    sent = await eventually(
        lambda: engine.outbox("per-user"), lambda m: len(m) == 3, what="three messages"
    )
    assert sorted(m.endpoint_id for m in sent) == ["d1", "d2", "e1"]
    assert (await engine.herald.journey_status("per-user")).entered == 2


SURVEY = ask_yes("SMS")


async def test_an_event_for_a_user_enters_and_a_reply_reaches_them(engine: Engine) -> None:
    settings = {"entry": {"participant": "user", "event": {"event_type": "signup"}}}
    await engine.apply(
        device("gus-phone", "gus", "SMS"),
        template("ask", "SMS"),
        journey("user-survey", "ask", SURVEY, **settings),
    )
    # Recorded for the user alone, with no endpoint: it still enters the user's journey.
    await engine.herald.put_event(Event(user_id="gus", event_type="signup"))
    await engine.waiting("user-survey", "gus", on="answer")
    reply = ReplySignal(
        id="r1", channel="SMS", text="yes", from_address="+15555550100",
        received_at=datetime.now(UTC),
    )  # fmt: skip
    assert await engine.herald.deliver_reply("gus-phone", reply) == 1
    assert engine.path(await engine.finish("user-survey", "gus")) == ["ask", "answer", "glad"]


async def test_a_users_sms_reply_through_the_inbound_path_takes_its_branch(
    engine: Engine,
) -> None:
    """As a Twilio webhook hands it in (`receive`), not signalled by the test."""
    steps = {
        "ask": {"type": "send", "channel": "SMS", "template": "ask", "next": "answer"},
        "answer": {
            "type": "wait_for_reply",
            "after_step": "ask",
            "branches": [{"keywords": ["yes"], "next": "glad"}],
            "timeout": "P1D",
            "on_timeout": "nudge",
        },
        "glad": {"type": "exit"},
        "nudge": {"type": "exit"},
    }
    await engine.apply(
        device("rae-mail", "rae"),
        device("rae-phone", "rae", "SMS"),
        template("ask", "SMS"),
        journey("user-asks", "ask", steps, **USERS),
    )
    await engine.herald.enter("user-asks", user_id="rae")
    await engine.waiting("user-asks", "rae", on="answer")
    reply = InboundMessage(
        provider="twilio",
        provider_message_id="SM-rae-1",
        channel="SMS",
        from_address="+15555550100",
        text="Yes please!",
        received_at=await engine.now(),
    )
    assert (await engine.herald.receive(reply)).routed_to == 1
    assert engine.path(await engine.finish("user-asks", "rae")) == ["ask", "answer", "glad"]


async def test_a_send_to_long_ids_goes(engine: Engine) -> None:
    """The longest journey name and ids allowed make a key of over 500 characters for each of
    the user's endpoints: the message still goes (keys of 300 were allowed, and it failed)."""
    name, user = "j" * 100, "u" * 200
    steps = {"hello": {"type": "send", "template": "hi"}}
    await engine.apply(
        device("e" * 200, user), template("hi"), journey(name, "hello", steps, **USERS)
    )
    await engine.herald.enter(name, user_id=user)
    await engine.finish(name, user)
    [sent] = await engine.outbox(name)
    assert sent.endpoint_id == "e" * 200 and len(sent.idempotency_key) > 500
