"""A send held by quiet time has a PENDING claim in the message log until it goes. A
participant that stops waiting for it (cancelled, or migrated to a new version) settles the
claim as SKIPPED, saying why, instead of leaving it PENDING for good."""

from __future__ import annotations

from datetime import timedelta

from herald.models import MessageRecord, MessageStatus
from tests.workflows.engine import Engine, endpoint, journey, quiet_around, template
from tests.workflows.test_user_participants import USERS, device
from workflows.steps.send import MAX_DEFERRALS

HELLO = {"hello": {"type": "send", "template": "t1"}}


def _log(messages: list[MessageRecord]) -> list[tuple[str, MessageStatus, str | None]]:
    return [(m.endpoint_id, m.status, m.reason) for m in messages]


async def test_cancelling_a_participant_skips_its_held_send(engine: Engine) -> None:
    quiet = quiet_around(await engine.now())
    await engine.apply(
        endpoint("hal", Demographic={"Timezone": "UTC"}), template("t1"),
        journey("held-cancel", "hello", HELLO, quiet_time=quiet),
    )  # fmt: skip
    await engine.herald.enter("held-cancel", "hal")
    held = await engine.waiting("held-cancel", "hal", on="hello")
    assert held.waiting_for == "quiet_time"
    assert _log(await engine.herald.messages(journey="held-cancel")) == [
        ("hal", MessageStatus.PENDING, None)
    ]
    assert await engine.herald.journey_transition("held-cancel", "cancel") == 1
    result = await engine.finish("held-cancel", "hal")
    assert result.exit_reason.startswith("cancelled")
    reason = f"held, then the participant left: {result.exit_reason}"
    assert _log(await engine.herald.messages(journey="held-cancel")) == [
        ("hal", MessageStatus.SKIPPED, reason)
    ]
    assert await engine.outbox("held-cancel") == []


async def test_a_migrated_participant_skips_the_old_versions_held_send(engine: Engine) -> None:
    quiet = quiet_around(await engine.now())
    await engine.apply(
        endpoint("mia", Demographic={"Timezone": "UTC"}), template("t1"), template("t2"),
        journey("held-move", "hello", HELLO, quiet_time=quiet),
    )  # fmt: skip
    await engine.herald.enter("held-move", "mia")
    await engine.waiting("held-move", "mia", on="hello")
    again = {"hello": {"type": "send", "template": "t2"}}
    await engine.apply(journey("held-move", "hello", again, quiet_time=quiet))
    assert await engine.herald.migrate("held-move", 2, {}) == 1
    await engine.migrated("held-move", "mia", 2)
    await engine.skip(timedelta(hours=3))  # quiet time is over
    result = await engine.finish("held-move", "mia")
    assert result.version == 2 and engine.path(result) == ["hello", "hello"]
    log = await engine.herald.messages(journey="held-move")
    assert [(m.journey_version, m.template, m.status, m.reason) for m in log] == [
        (1, "t1", MessageStatus.SKIPPED, "held, then the participant moved to version 2"),
        (2, "t2", MessageStatus.SENT, None),
    ]
    assert [m.step_id for m in await engine.outbox("held-move")] == ["hello"]


async def test_a_cancelled_users_held_sends_are_skipped_on_each_endpoint(
    engine: Engine,
) -> None:
    quiet = quiet_around(await engine.now())
    utc = {"Timezone": "UTC"}
    await engine.apply(
        device("uma-work", "uma", Demographic=utc), device("uma-home", "uma", Demographic=utc),
        template("t1"),
        journey("held-user", "hello", HELLO, quiet_time=quiet, **USERS),
    )  # fmt: skip
    await engine.herald.enter("held-user", user_id="uma")
    await engine.waiting("held-user", "uma", on="hello")
    pending = await engine.herald.messages(journey="held-user")
    assert sorted(m.endpoint_id for m in pending) == ["uma-home", "uma-work"]
    assert {m.status for m in pending} == {MessageStatus.PENDING}
    await engine.herald.journey_transition("held-user", "cancel")
    await engine.finish("held-user", "uma")
    settled = await engine.herald.messages(journey="held-user")
    assert sorted(m.endpoint_id for m in settled) == ["uma-home", "uma-work"]
    assert {m.status for m in settled} == {MessageStatus.SKIPPED}


async def test_a_send_deferred_too_often_is_skipped_in_the_log(engine: Engine) -> None:
    """A calendar of back-to-back closed days defers the send once per day closed; past
    MAX_DEFERRALS the step gives up, and the message log says so."""
    now = (await engine.now()).replace(microsecond=0)
    closed = [
        {"name": f"shut {n}", "start": (now + timedelta(hours=n - 1)).isoformat(),
         "end": (now + timedelta(hours=n)).isoformat()}
        for n in range(MAX_DEFERRALS + 5)
    ]  # fmt: skip
    await engine.apply(
        endpoint("dee"), template("t1"),
        journey("held-long", "hello", HELLO, closed_days={"EMAIL": closed}),
    )  # fmt: skip
    await engine.herald.enter("held-long", "dee")
    await engine.waiting("held-long", "dee", on="hello")
    await engine.skip(timedelta(hours=MAX_DEFERRALS + 5))
    result = await engine.finish("held-long", "dee")
    assert result.visits[0].outcome == f"skipped: deferred {MAX_DEFERRALS} times"
    assert _log(await engine.herald.messages(journey="held-long")) == [
        ("dee", MessageStatus.SKIPPED, f"deferred {MAX_DEFERRALS} times")
    ]
