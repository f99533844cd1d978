"""A journey's metrics as a user reads them: client, HTTP and `herald metrics journey`."""

from __future__ import annotations

import asyncio
import json
from datetime import timedelta

import pytest
from typer.testing import CliRunner

from herald.api.app import create_app
from herald.auth.keys import Scope
from herald.cli import app
from herald.metrics import JourneyMetrics, MetricsNotFound
from herald.models import Event
from herald.settings import Settings
from tests.loopback_http import serve_app
from tests.workflows.engine import Engine, endpoint, journey, template

STEPS = {
    "hello": {"type": "send", "channel": "EMAIL", "template": "hi", "next": "nap"},
    "nap": {"type": "wait", "duration": "P1D", "next": "again"},
    "again": {"type": "send", "channel": "EMAIL", "template": "hi", "next": "done"},
    "done": {"type": "exit"},
}


async def _run_three_through(engine: Engine, name: str = "funnel") -> JourneyMetrics:
    await engine.apply(
        template("hi"),
        *(endpoint(p) for p in ("ann", "bob", "cy")),
        journey(name, "hello", STEPS),
    )
    for participant in ("ann", "bob", "cy"):
        await engine.herald.enter(name, participant)
    for participant in ("ann", "bob", "cy"):
        await engine.waiting(name, participant)
    waiting = await engine.herald.journey_metrics(name)
    sent = {m.endpoint_id: m for m in await engine.herald.messages(journey=name)}
    opened = Event(
        endpoint_id="ann",
        event_type="_email.open",
        attributes={"message_key": sent["ann"].idempotency_key},
    )
    clicked = Event(
        endpoint_id="bob",
        event_type="_email.click",
        attributes={"message_key": sent["bob"].idempotency_key},
    )
    for event in (opened, opened.model_copy(update={"event_type": "_email.delivered"}), clicked):
        await engine.herald.put_event(event, route=False)
    assert [s.step_id for s in waiting.steps] == ["hello", "nap", "again", "done"]
    assert (waiting.entered, waiting.active, waiting.completed) == (3, 3, 0)
    assert {s.step_id: s.here_now for s in waiting.steps}["nap"] == 3
    await engine.skip(timedelta(days=1, minutes=1))
    for participant in ("ann", "bob", "cy"):
        await engine.finish(name, participant)
    return await engine.herald.journey_metrics(name)


async def test_journey_funnel_per_step_and_exits(engine: Engine) -> None:
    metrics = await _run_three_through(engine)
    assert (metrics.entered, metrics.active, metrics.completed) == (3, 0, 3)
    assert metrics.exited == {"completed": 3}
    steps = {s.step_id: s for s in metrics.steps}
    assert [steps[s].reached for s in STEPS] == [3, 3, 3, 3]
    assert all(s.here_now == 0 for s in metrics.steps)
    hello = steps["hello"]
    assert (hello.sent, hello.delivered, hello.opened, hello.clicked) == (3, 1, 1, 1)
    assert (steps["again"].sent, steps["again"].opened) == (3, 0)
    first_day, next_day = metrics.by_day  # the wait of a day puts the second send a day on
    assert (first_day.channel, first_day.sent, first_day.opened, first_day.clicked) == (
        "EMAIL",
        3,
        1,
        1,
    )
    assert next_day.day > first_day.day and next_day.sent == 3

    key = (await engine.herald.create_api_key("metrics", Scope.READ)).key
    with serve_app(create_app(Settings(database_url=engine.herald.database.url))) as http:
        http.headers["Authorization"] = f"Bearer {key}"
        answer = http.get("/v1/metrics/journeys/funnel")
        assert answer.status_code == 200
        assert JourneyMetrics.model_validate(answer.json()) == metrics
        missing = http.get("/v1/metrics/journeys/nope")
    assert missing.status_code == 404
    assert "journey 'nope' does not exist" in missing.json()["detail"]


async def test_unknown_journey_is_named(engine: Engine) -> None:
    with pytest.raises(MetricsNotFound, match="journey 'ghost' does not exist"):
        await engine.herald.journey_metrics("ghost")


async def test_cli_prints_the_metrics_and_names_an_unknown_journey(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    metrics = await _run_three_through(engine, "cli-funnel")
    monkeypatch.setenv("HERALD_DATABASE_URL", engine.herald.database.url)
    runner = CliRunner()
    shown = await asyncio.to_thread(
        runner.invoke, app, ["metrics", "journey", "cli-funnel", "--json"]
    )
    assert shown.exit_code == 0, shown.output
    assert JourneyMetrics.model_validate(json.loads(shown.stdout)) == metrics
    table = await asyncio.to_thread(runner.invoke, app, ["metrics", "journey", "cli-funnel"])
    assert "entered 3, active 0, completed 3" in table.stdout
    missing = await asyncio.to_thread(runner.invoke, app, ["metrics", "journey", "ghost"])
    assert missing.exit_code == 2
    assert "journey 'ghost' does not exist" in missing.stderr
