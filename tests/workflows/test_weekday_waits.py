"""A local-time wait with allowed weekdays, under time skipping: a participant reaching it on
a Friday with Monday to Wednesday allowed goes on on Monday at that local time."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tests.workflows.engine import Engine, endpoint, journey, template


@pytest.fixture
def engine(own_server_engine: Engine) -> Engine:
    """A server of its own: this test moves its clock to a chosen Friday."""
    return own_server_engine


async def test_friday_entry_waits_for_monday_at_the_local_time(engine: Engine) -> None:
    steps = {
        "weekday": {
            "type": "wait",
            "local_time": "10:00",
            "weekdays": ["MON", "TUE", "WED"],
            "next": "hello",
        },
        "hello": {"type": "send", "template": "t"},
    }
    await engine.apply(
        endpoint("paris", Demographic={"Timezone": "Europe/Paris"}),
        template("t"),
        journey("weekdays", "weekday", steps),
    )
    friday_noon = datetime(2027, 7, 2, 12, 0, tzinfo=UTC)  # 14:00 in Paris, after 10:00
    monday_ten = datetime(2027, 7, 5, 8, 0, tzinfo=UTC)  # 10:00 CEST
    await engine.skip(friday_noon - await engine.now())
    await engine.herald.enter("weekdays", "paris")
    state = await engine.waiting("weekdays", "paris", on="weekday")
    assert state.waiting_until == monday_ten

    # Sunday evening: still waiting, nothing sent over the weekend.
    await engine.skip(datetime(2027, 7, 4, 20, 0, tzinfo=UTC) - await engine.now())
    assert (await engine.waiting("weekdays", "paris", on="weekday")).waiting_until == monday_ten
    assert await engine.outbox("weekdays") == []

    await engine.skip(timedelta(hours=12, minutes=1))
    result = await engine.finish("weekdays", "paris")
    assert engine.path(result) == ["weekday", "hello"]
    assert monday_ten <= result.visits[1].entered_at < monday_ten + timedelta(minutes=5)
    assert [m.step_id for m in await engine.outbox("weekdays")] == ["hello"]
