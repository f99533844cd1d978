"""Migrations across versions: a participant keeps the event that entered it, every version's
lost steps are named at once, nobody moves backwards (not even one signalled to a newer
version it has not taken yet), a migration is checked against the version a participant
still runs, not the one it was last signalled to move to, and what a participant received
at its step, held there by a pause, comes along."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from herald.journeys.lifecycle import LifecycleError
from herald.models import Event
from herald.models.journey_run import ReplySignal
from tests.helpers import eventually
from tests.loopback_http import loopback_server
from tests.workflows.engine import CART_MAIL, SERIES, Engine, endpoint, journey, template


async def test_an_event_entered_participant_keeps_its_event_after_migration(
    engine: Engine,
) -> None:
    """A send rendering `Journey.Event` after the participant was migrated."""
    name = "mig-trigger"
    entry = {"event": {"event_type": "cart.left"}}

    def steps(nap: str) -> dict[str, Any]:
        return {
            "nap": {"type": "wait", "duration": nap, "next": "mail"},
            "mail": {"type": "send", "template": "cart-mail"},
        }

    await engine.apply(endpoint("cara"), CART_MAIL, journey(name, "nap", steps("P1D"), entry=entry))
    await engine.herald.put_event(
        Event(endpoint_id="cara", event_type="cart.left", attributes={"sku": "A1"})
    )
    await engine.waiting(name, "cara", on="nap")
    await engine.apply(journey(name, "nap", steps("PT30H"), entry=entry))
    assert await engine.herald.migrate(name, 2, {}) == 1
    await engine.migrated(name, "cara", 2)
    await engine.skip(timedelta(hours=31))
    try:
        result = await engine.finish(name, "cara")
    except Exception as exc:
        pytest.fail(f"the migrated participant failed at its send: {exc!r} {exc.__cause__!r}")
    assert result.version == 2
    [sent] = await engine.outbox(name)
    assert sent.content.text == "cart.left: A1", sent.content.text


async def test_a_refusal_names_the_lost_steps_of_every_version(engine: Engine) -> None:
    """Participants on v1 (at `nap`) and v2 (at `pause`); v3 has neither. The refusal
    should list every step that would lose someone at once."""
    name = "mig-lost"
    await engine.apply(
        endpoint("ava"), endpoint("ben"), template("t1"), template("t2"),
        journey(name, "one", SERIES),
    )  # fmt: skip
    await engine.herald.enter(name, "ava")
    await engine.waiting(name, "ava", on="nap")
    v2 = {**SERIES, "one": {**SERIES["one"], "next": "pause"}, "pause": SERIES["nap"]}
    del v2["nap"]
    await engine.apply(journey(name, "one", v2))
    await engine.herald.enter(name, "ben")
    await engine.waiting(name, "ben", on="pause")
    v3 = {**SERIES, "one": {**SERIES["one"], "next": "rest"}, "rest": SERIES["nap"]}
    del v3["nap"]
    await engine.apply(journey(name, "one", v3))
    with pytest.raises(LifecycleError) as refused:
        await engine.herald.migrate(name, 3, {})
    assert str(refused.value).startswith(
        "participants on version 1 could be at steps ['nap']; participants on version 2 "
        "could be at steps ['pause'], which version 3 does not have"
    ), refused.value


async def test_a_second_migration_is_checked_against_the_version_still_run(
    engine: Engine,
) -> None:
    """Busy in a webhook call on version 1, the participant has not yet taken the migration
    to version 2 when one to version 3 comes: that one must map version 1's steps too, and
    then takes it to version 3 at the mapped step."""
    with loopback_server() as server:
        server.gate.clear()
        try:
            call = {"type": "webhook", "url": f"{server.url}/hold", "timeout": "PT30S"}
            v1 = {"call": {**call, "next": "nap"}, "nap": SERIES["nap"], "two": SERIES["two"]}
            await engine.apply(
                endpoint("tia"), template("t2"), template("t3"), journey("busy", "call", v1)
            )
            await engine.herald.enter("busy", "tia")
            await eventually(lambda: _calls(server), bool, what="the webhook call")
            pause = {**SERIES["nap"], "duration": "PT1H"}
            v2 = {"call": {**call, "next": "pause"}, "pause": pause, "two": SERIES["two"]}
            await engine.apply(journey("busy", "call", v2))
            assert await engine.herald.migrate("busy", 2, {"nap": "pause"}) == 1
            v3 = {**v2, "two": {**SERIES["two"], "template": "t3"}}
            await engine.apply(journey("busy", "call", v3))
            with pytest.raises(LifecycleError, match=r"version 1 could be at steps \['nap'\]"):
                await engine.herald.migrate("busy", 3, {})
            assert await engine.herald.migrate("busy", 3, {"nap": "pause"}) == 1
        finally:
            server.gate.set()
        await engine.migrated("busy", "tia", 3)
        state = await engine.waiting("busy", "tia", on="pause")
    assert (state.version, state.migration_refused) == (3, None)


async def _calls(server: Any) -> int:
    return len(server.requests)


async def test_a_migration_moves_nobody_back_to_an_older_version(engine: Engine) -> None:
    """`herald journeys migrate` moves participants onto a newer version (its help): the one
    on version 2 stays there; the one on version 1 is already there."""
    name = "mig-back"
    await engine.apply(
        endpoint("old"), endpoint("new"), template("t1"), template("t2"), template("t3"),
        journey(name, "one", SERIES),
    )  # fmt: skip
    await engine.herald.enter(name, "old")
    await engine.waiting(name, "old", on="nap")
    v2 = {**SERIES, "two": {**SERIES["two"], "template": "t3"}}
    await engine.apply(journey(name, "one", v2))
    await engine.herald.enter(name, "new")
    await engine.waiting(name, "new", on="nap")
    assert await engine.herald.migrate(name, 1, {}) == 0
    await engine.skip(timedelta(days=2, minutes=1))
    assert (await engine.finish(name, "new")).version == 2


async def test_a_migration_to_an_older_version_does_not_undo_a_newer_one(engine: Engine) -> None:
    """Busy in a webhook call on version 1, the participant is signalled to version 3; a
    migration to version 2 then moves nobody, and the participant ends on version 3 (the
    second signal once replaced the first, and it landed on version 2)."""
    with loopback_server() as server:
        server.gate.clear()
        try:
            call = {"type": "webhook", "url": f"{server.url}/hold", "timeout": "PT30S"}
            v1 = {"call": {**call, "next": "nap"}, "nap": SERIES["nap"], "two": SERIES["two"]}
            await engine.apply(
                endpoint("tia"), template("t2"), template("t3"), journey("busy-back", "call", v1)
            )
            await engine.herald.enter("busy-back", "tia")
            await eventually(lambda: _calls(server), bool, what="the webhook call")
            await engine.apply(
                journey("busy-back", "call", {**v1, "two": {**SERIES["two"], "template": "t3"}})
            )
            await engine.apply(
                journey("busy-back", "call", {**v1, "nap": {**SERIES["nap"], "duration": "PT1H"}})
            )
            assert await engine.herald.migrate("busy-back", 3, {}) == 1
            assert await engine.herald.migrate("busy-back", 2, {}) == 0
        finally:
            server.gate.set()
        await engine.migrated("busy-back", "tia", 3)
        state = await engine.waiting("busy-back", "tia", on="nap")
    assert state.version == 3


def _watch(timeout: str) -> dict[str, Any]:
    return {
        "one": {"type": "send", "template": "t1", "next": "watch"},
        "watch": {
            "type": "wait_for_event",
            "event_type": "purchase",
            "timeout": timeout,
            "on_event": "yes",
            "on_timeout": "no",
        },
        "yes": {"type": "send", "template": "t2"},
        "no": {"type": "send", "template": "t3"},
    }


async def _paused_at_watch(engine: Engine, name: str, person: str) -> None:
    await engine.apply(
        endpoint(person), template("t1"), template("t2"), template("t3"),
        journey(name, "one", _watch("P1D")),
    )  # fmt: skip
    await engine.herald.enter(name, person)
    await engine.waiting(name, person, on="watch")
    assert await engine.herald.journey_transition(name, "pause") == 1
    await eventually(
        lambda: engine.state(name, person), lambda s: s is not None and s.paused, what="paused"
    )


@pytest.mark.parametrize("event_first", [True, False])
async def test_an_event_received_around_a_paused_migration_still_counts(
    engine: Engine, event_first: bool
) -> None:
    """Paused at `watch`, the participant receives the purchase before the migration (the
    new run must bring it along) or after it (the new run holds before its first step, which
    must count it): either way, as without a migration, it takes `yes` on resume."""
    name, person = f"mig-watch-{event_first}".lower(), f"wes-{event_first}".lower()
    await _paused_at_watch(engine, name, person)
    purchase = Event(id=f"{name}-1", endpoint_id=person, event_type="purchase")
    if event_first:
        await engine.herald.put_event(purchase)
    await engine.apply(journey(name, "one", _watch("PT30H")))
    assert await engine.herald.migrate(name, 2, {}) == 1
    await engine.migrated(name, person, 2)
    if not event_first:
        await engine.herald.put_event(purchase)
    await engine.herald.journey_transition(name, "resume")
    assert engine.path(await engine.finish(name, person)) == ["one", "watch", "watch", "yes"]


def _survey(timeout: str) -> dict[str, Any]:
    return {
        "ask": {"type": "send", "channel": "SMS", "template": "ask", "next": "answer"},
        "answer": {
            "type": "wait_for_reply",
            "after_step": "ask",
            "branches": [{"keywords": ["YES"], "next": "glad"}],
            "timeout": timeout,
            "on_timeout": "nudge",
        },
        "glad": {"type": "exit"},
        "nudge": {"type": "exit"},
    }


async def test_a_reply_received_while_paused_survives_a_migration(engine: Engine) -> None:
    phone = endpoint("rex", ChannelType="SMS", Address="+15555550166")
    await engine.apply(phone, template("ask", "SMS"), journey("mig-ask", "ask", _survey("P1D")))
    await engine.herald.enter("mig-ask", "rex")
    await engine.waiting("mig-ask", "rex", on="answer")
    await engine.herald.journey_transition("mig-ask", "pause")
    await eventually(
        lambda: engine.state("mig-ask", "rex"), lambda s: s is not None and s.paused, what="held"
    )
    yes = ReplySignal(
        id="r1", channel="SMS", text="yes", from_address="+15555550166",
        received_at=datetime.now(UTC),
    )  # fmt: skip
    assert await engine.herald.deliver_reply("rex", yes) == 1
    await engine.apply(journey("mig-ask", "ask", _survey("PT30H")))
    assert await engine.herald.migrate("mig-ask", 2, {}) == 1
    await engine.migrated("mig-ask", "rex", 2)
    await engine.herald.journey_transition("mig-ask", "resume")
    path = engine.path(await engine.finish("mig-ask", "rex"))
    assert path == ["ask", "answer", "answer", "glad"]


def _ask_call_answer(url: str, timeout: str) -> dict[str, Any]:
    """The survey with a webhook call between the question and the wait for its answer."""
    steps = _survey(timeout)
    call = {"type": "webhook", "url": f"{url}/hook", "next": "answer"}
    return {**steps, "ask": {**steps["ask"], "next": "call"}, "call": call}


async def test_a_reply_while_held_before_its_wait_survives_a_migration(engine: Engine) -> None:
    """Paused while busy in the call after its SMS question, the participant is held at
    `answer` before the wait begins; it answers YES there and is migrated. The answer counts
    on resume, as it does without the migration (the new run once began without it)."""
    phone = endpoint("rae", ChannelType="SMS", Address="+15555550167")
    with loopback_server() as server:
        server.gate.clear()  # the call is answered only once the pause is in
        try:
            survey = journey("held-answer", "ask", _ask_call_answer(server.url, "P1D"))
            await engine.apply(phone, template("ask", "SMS"), survey)
            await engine.herald.enter("held-answer", "rae")
            await eventually(lambda: _calls(server), bool, what="the webhook call")
            await engine.herald.journey_transition("held-answer", "pause")
        finally:
            server.gate.set()
        held = await engine.waiting("held-answer", "rae", on="answer")
        assert held.paused and held.waiting_until is None  # held before its wait began
        yes = ReplySignal(
            id="r-held", channel="SMS", text="yes", from_address="+15555550167",
            received_at=datetime.now(UTC),
        )  # fmt: skip
        assert await engine.herald.deliver_reply("rae", yes) == 1
        await engine.apply(journey("held-answer", "ask", _ask_call_answer(server.url, "PT30H")))
    assert await engine.herald.migrate("held-answer", 2, {}) == 1
    await engine.migrated("held-answer", "rae", 2)
    await engine.herald.journey_transition("held-answer", "resume")
    await engine.skip(timedelta(hours=30, minutes=1))  # the new version's timeout, were it lost
    result = await engine.finish("held-answer", "rae")
    assert (result.version, engine.path(result)[-1]) == (2, "glad"), engine.path(result)
