"""`update` changes attributes; `webhook` calls a real HTTP server and saves its answer."""

from __future__ import annotations

import json

from tests.loopback_http import loopback_server
from tests.workflows.engine import Engine, endpoint, journey


async def test_update_sets_and_removes_endpoint_and_user_attributes(engine: Engine) -> None:
    steps = {
        "tag": {
            "type": "update",
            "set": {"Stage": ["onboarded"]},
            "remove": ["Trial"],
            "next": "user",
        },
        "user": {"type": "update", "scope": "user", "set": {"Tier": ["gold"]}},
    }
    await engine.apply(
        endpoint("upd", Attributes={"Trial": ["yes"], "Plan": ["pro"]}),
        journey("tagger", "tag", steps),
    )
    await engine.herald.enter("tagger", "upd")
    await engine.finish("tagger", "upd")
    stored = await engine.herald.get_endpoint("upd")
    assert stored is not None
    assert stored.attributes == {"Plan": ["pro"], "Stage": ["onboarded"]}
    assert stored.user is not None
    assert stored.user.user_attributes["Tier"] == ["gold"]


async def test_webhook_posts_a_rendered_body_and_saves_response_fields(engine: Engine) -> None:
    with loopback_server() as server:
        server.answers = [
            (503, {"Retry-After": "1"}, b"busy"),
            (
                200,
                {"Content-Type": "application/json"},
                json.dumps({"score": {"value": 87}}).encode(),
            ),
        ]
        steps = {
            "call": {
                "type": "webhook",
                "url": f"{server.url}/score",
                "headers": {"X-Api-Key": "k"},
                "body": '{"email": "{{ Address }}", "step": "{{ Journey.StepId }}"}',
                "save": {"Score": "score.value"},
            }
        }
        await engine.apply(endpoint("hook"), journey("scoring", "call", steps))
        await engine.herald.enter("scoring", "hook")
        result = await engine.finish("scoring", "hook")
    assert result.visits[0].outcome == "HTTP 200"
    assert len(server.requests) == 2, "the 503 was retried once"
    first, second = server.requests
    assert second.json() == {"email": "hook@example.com", "step": "call"}
    assert second.headers["X-Api-Key"] == "k"
    assert first.headers["Idempotency-Key"] == second.headers["Idempotency-Key"]
    stored = await engine.herald.get_endpoint("hook")
    assert stored is not None
    assert stored.attributes["Score"] == ["87"]
