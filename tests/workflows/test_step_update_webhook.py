"""`update` changes attributes; `webhook` calls a real HTTP server and saves its answer."""

from __future__ import annotations

import json
from typing import Any

from herald.models import Event
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


async def test_webhook_body_reads_the_journey_version_and_the_entering_event(
    engine: Engine,
) -> None:
    """`Journey.Version` and `Journey.Event.*` are template variables (README) and the body
    is a template: it reads the version the participant is on, not just the first one."""
    body = (
        '{"v": "{{ Journey.Version }}", "type": "{{ Journey.Event.Type }}",'
        ' "sku": "{{ Journey.Event.Attributes.sku }}"}'
    )
    entry = {"event": {"event_type": "cart.left"}}
    with loopback_server() as server:
        server.answers = [(200, {}, b"")]

        def hook(path: str) -> dict[str, Any]:
            steps = {"call": {"type": "webhook", "url": f"{server.url}/{path}", "body": body}}
            return journey("cart-hook", "call", steps, entry=entry)

        await engine.apply(endpoint("cart"), hook("v1"))
        await engine.apply(hook("v2"))  # a changed journey is version 2
        await engine.herald.put_event(
            Event(endpoint_id="cart", event_type="cart.left", attributes={"sku": "A1"})
        )
        result = await engine.finish("cart-hook", "cart")
    assert result.visits[0].outcome == "HTTP 200"
    [request] = server.requests
    assert request.path == "/v2"
    assert request.json() == {"v": "2", "type": "cart.left", "sku": "A1"}


async def test_webhook_saves_json_values_as_json_text_for_splits(engine: Engine) -> None:
    """JSON's `true` is saved as `true` (what a split's values are written as), not Python's
    `True`; strings stay as they are, objects and numbers are their JSON text."""
    answer = {"vip": True, "ratio": 1.5, "name": "Zoë", "tags": {"a": 1}, "list": [False, "x"]}
    save = {"Vip": "vip", "Ratio": "ratio", "Name": "name", "Tags": "tags", "List": "list"}
    with loopback_server() as server:
        server.answers = [(200, {"Content-Type": "application/json"}, json.dumps(answer).encode())]
        steps = {
            "call": {"type": "webhook", "url": f"{server.url}/vip", "save": save, "next": "vip"},
            "vip": {
                "type": "split",
                "conditions": [{"kind": "attribute", "name": "Vip", "values": ["true"]}],
                "yes": "yes",
                "no": "no",
            },
            "yes": {"type": "exit"},
            "no": {"type": "exit"},
        }
        await engine.apply(endpoint("vip"), journey("vip-check", "call", steps))
        path = await engine.run_through("vip-check", "vip")
    assert path == ["call", "vip", "yes"]
    stored = await engine.herald.get_endpoint("vip")
    assert stored is not None
    saved = {name: stored.attributes[name] for name in save}
    assert saved == {
        "Vip": ["true"],
        "Ratio": ["1.5"],
        "Name": ["Zoë"],
        "Tags": ['{"a": 1}'],
        "List": ["false", "x"],
    }
