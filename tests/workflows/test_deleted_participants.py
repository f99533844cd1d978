"""A participant whose endpoint, or whose user with every endpoint, is deleted while it is in
a journey (an erasure request, Pinpoint's DeleteUserEndpoints) leaves the journey at the next
step that looks it up, with the reason recorded; its workflow used to fail."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from tests.helpers import eventually
from tests.workflows.engine import Engine, endpoint, journey, template
from tests.workflows.test_user_participants import USERS, device


async def finished_outcomes(engine: Engine, name: str) -> dict[str, int]:
    """The journey's outcomes once its one participant is counted as finished."""
    status = await eventually(
        lambda: engine.herald.journey_status(name),
        lambda s: s.finished == 1,
        what="the participant counted as finished",
    )
    return status.outcomes


def steps(condition: dict[str, Any]) -> dict[str, Any]:
    return {
        "hello": {"type": "send", "template": "hello", "next": "pause"},
        "pause": {"type": "wait", "duration": "P1D", "next": "check"},
        "check": {"type": "split", "conditions": [condition], "yes": "again", "no": "done"},
        "again": {"type": "send", "template": "hello", "next": "done"},
        "done": {"type": "exit"},
    }


PRO = {"kind": "attribute", "name": "Plan", "values": ["pro"]}


async def test_a_deleted_user_leaves_the_journey(engine: Engine) -> None:
    pro_user = PRO | {"scope": "user"}
    await engine.apply(
        device("ann-work", "ann", UserAttributes={"Plan": ["pro"]}),
        template("hello"),
        journey("erased", "hello", steps(pro_user), **USERS),
    )
    await engine.herald.enter("erased", user_id="ann")
    await engine.waiting("erased", "ann", on="pause")
    assert await engine.herald.delete_user("ann") == ["ann-work"]

    await engine.skip(timedelta(days=1, minutes=1))
    result = await engine.finish("erased", "ann")
    assert engine.path(result) == ["hello", "pause", "check"]
    assert result.exit_reason == "deleted: user 'ann' has no endpoints"
    assert await finished_outcomes(engine, "erased") == {"deleted at check": 1}


async def test_a_deleted_endpoint_leaves_the_journey(engine: Engine) -> None:
    await engine.apply(
        endpoint("bo", Attributes={"Plan": ["pro"]}),
        template("hello"),
        journey("forgotten", "hello", steps(PRO)),
    )
    await engine.herald.enter("forgotten", "bo")
    await engine.waiting("forgotten", "bo", on="pause")
    await engine.herald.delete_endpoint("bo")

    await engine.skip(timedelta(days=1, minutes=1))
    result = await engine.finish("forgotten", "bo")
    assert engine.path(result) == ["hello", "pause", "check"]
    assert result.exit_reason == "deleted: endpoint 'bo' does not exist"


async def test_an_endpoint_deleted_before_a_send_leaves_at_the_send(engine: Engine) -> None:
    """The send after a wait is the first step to look the endpoint up: it used to fail the
    workflow (PermanentSendError), with no exit recorded and the status never counting it."""
    await engine.apply(
        endpoint("cy"),
        template("hello"),
        journey(
            "erased-send",
            "hello",
            {
                "hello": {"type": "send", "template": "hello", "next": "pause"},
                "pause": {"type": "wait", "duration": "P1D", "next": "again"},
                "again": {"type": "send", "template": "hello"},
            },
        ),
    )
    await engine.herald.enter("erased-send", "cy")
    await engine.waiting("erased-send", "cy", on="pause")
    await engine.herald.delete_endpoint("cy")

    await engine.skip(timedelta(days=1, minutes=1))
    result = await engine.finish("erased-send", "cy")
    assert engine.path(result) == ["hello", "pause", "again"]
    assert result.exit_reason == "deleted: endpoint 'cy' does not exist"
    assert await finished_outcomes(engine, "erased-send") == {"deleted at again": 1}


async def test_the_metrics_count_deleted_participants_under_one_reason(engine: Engine) -> None:
    """Each exit reason names its participant ("deleted: endpoint 'cy' does not exist"):
    the journey's exits by reason (and the dashboard's table) had a row per person."""
    await engine.apply(
        endpoint("dee"),
        endpoint("eve"),
        template("hello"),
        journey("erased-many", "hello", steps(PRO)),
    )
    for who in ("dee", "eve"):
        await engine.herald.enter("erased-many", who)
        await engine.waiting("erased-many", who, on="pause")
        await engine.herald.delete_endpoint(who)

    await engine.skip(timedelta(days=1, minutes=1))
    for who in ("dee", "eve"):
        await engine.finish("erased-many", who)
    metrics = await eventually(
        lambda: engine.herald.journey_metrics("erased-many"),
        lambda m: sum(m.exited.values()) == 2,
        what="both exits recorded",
    )
    assert metrics.exited == {"deleted": 2}
