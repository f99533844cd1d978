"""The webhook step against a real loopback server: redirects, and answers that are not JSON."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from datetime import timedelta

import httpx
import pytest
from temporalio.client import WorkflowExecutionStatus, WorkflowFailureError
from temporalio.exceptions import ActivityError

from herald.journeys import webhook
from herald.journeys.errors import PermanentStepError
from herald.models import Endpoint
from herald.models.journey_ops import WebhookRequest
from tests.helpers import eventually
from tests.loopback_http import loopback_server
from tests.workflows.engine import Engine, endpoint, journey

BODY = '{"email": "{{ Address }}"}'
ANN = Endpoint.model_validate({"Id": "ann", "ChannelType": "EMAIL", "Address": "ann@example.com"})


@pytest.mark.parametrize("save", [True, False], ids=["with-save", "without-save"])
async def test_webhook_follows_a_redirect_to_the_real_endpoint(engine: Engine, save: bool) -> None:
    """An API that moved (308) is called at its new location with the same method and body;
    the step's outcome is the real endpoint's answer, not the redirect (which without `save`
    was reported as `HTTP 308` while the service never got the participant's data)."""
    with loopback_server() as server:
        server.answers = [
            (308, {"Location": f"{server.url}/v2/score"}, b""),
            (200, {"Content-Type": "application/json"}, json.dumps({"score": 42}).encode()),
        ]
        steps = {
            "call": {
                "type": "webhook",
                "url": f"{server.url}/score",
                "body": BODY,
                **({"save": {"Score": "score"}} if save else {}),
            }
        }
        name = f"moved-hook-{'save' if save else 'plain'}"
        await engine.apply(endpoint("moved"), journey(name, "call", steps))
        await engine.herald.enter(name, "moved")
        result = await asyncio.wait_for(engine.finish(name, "moved"), 30)
    assert [(r.method, r.path) for r in server.requests] == [
        ("POST", "/score"),
        ("POST", "/v2/score"),
    ]
    assert server.requests[1].json() == {"email": "moved@example.com"}
    assert result.visits[0].outcome == "HTTP 200"
    if save:
        stored = await engine.herald.get_endpoint("moved")
        assert stored is not None
        assert stored.attributes["Score"] == ["42"]


async def test_a_non_json_answer_that_is_not_utf8_fails_the_step_saying_so(
    engine: Engine,
) -> None:
    """A Latin-1 HTML page (`Café fermé`) answering a step with `save` fails the step at once,
    as any other non-JSON answer does, instead of being retried while the participant is held
    at the step (httpx raises UnicodeDecodeError, not JSONDecodeError, on such bytes)."""
    with loopback_server() as server:
        page = "<html><body>Caf\u00e9 ferm\u00e9</body></html>".encode("latin-1")
        server.answers = [(200, {"Content-Type": "text/html; charset=iso-8859-1"}, page)]
        steps = {"call": {"type": "webhook", "url": f"{server.url}/lookup", "save": {"X": "x"}}}
        await engine.apply(endpoint("latin"), journey("latin-hook", "call", steps))
        await engine.herald.enter("latin-hook", "latin")
        handle = engine.handle("latin-hook", "latin")
        described = await eventually(
            handle.describe,
            lambda d: d.status != WorkflowExecutionStatus.RUNNING,
            deadline_s=15,
            what="the step to fail",
        )
    assert described.status == WorkflowExecutionStatus.FAILED
    assert len(server.requests) == 1, "failed at once, not retried"
    with pytest.raises(WorkflowFailureError) as failed:
        await handle.result()
    cause = failed.value.cause
    assert isinstance(cause, ActivityError)
    assert "did not answer JSON" in str(cause.cause)


# The step's redirect rules, on `webhook.call` with a client made as the worker makes it.


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient() as made:
        yield made


def _request(url: str, method: str = "POST") -> WebhookRequest:
    return WebhookRequest(
        idempotency_key="k",
        endpoint_id="ann",
        journey="hooks",
        step_id="call",
        url=url,
        method=method,
        body=None if method == "GET" else BODY,
        timeout=timedelta(seconds=5),
    )


async def test_a_307_keeps_the_method_the_body_and_the_idempotency_key(
    client: httpx.AsyncClient,
) -> None:
    with loopback_server() as server:
        server.answers = [(307, {"Location": "/v2/hook"}, b""), (200, {}, b"")]
        result = await webhook.call(client, _request(f"{server.url}/hook", "PUT"), ANN)
    assert result.status_code == 200
    first, second = server.requests
    assert (second.method, second.path) == ("PUT", "/v2/hook")
    assert second.json() == {"email": "ann@example.com"}
    assert second.headers["Idempotency-Key"] == first.headers["Idempotency-Key"] == "k"


@pytest.mark.parametrize("status", [301, 302, 303])
async def test_a_redirect_that_would_turn_a_post_into_a_get_fails_the_step_naming_it(
    client: httpx.AsyncClient, status: int
) -> None:
    """HTTP clients follow these as a GET without the body: the service would get a call
    without the participant's data. The step fails for good, saying where to point it."""
    with loopback_server() as server:
        moved = f"{server.url}/v2/hook"
        server.answers = [(status, {"Location": moved}, b""), (200, {}, b"")]
        with pytest.raises(PermanentStepError) as refused:
            await webhook.call(client, _request(f"{server.url}/hook"), ANN)
    assert [r.path for r in server.requests] == ["/hook"]
    assert f"answered {status} redirecting to {moved}" in str(refused.value)
    assert "307 or 308" in str(refused.value)


async def test_a_get_follows_any_redirect(client: httpx.AsyncClient) -> None:
    with loopback_server() as server:
        server.answers = [(302, {"Location": "/found"}, b""), (200, {}, b"")]
        result = await webhook.call(client, _request(f"{server.url}/look", "GET"), ANN)
    assert result.status_code == 200
    assert [(r.method, r.path) for r in server.requests] == [("GET", "/look"), ("GET", "/found")]


async def test_a_redirect_loop_is_cut_short_and_fails_the_step(
    client: httpx.AsyncClient,
) -> None:
    with loopback_server() as server:
        server.answers = [(308, {"Location": "/again"}, b"")]  # the last answer repeats
        with pytest.raises(PermanentStepError) as looped:
            await webhook.call(client, _request(f"{server.url}/hook"), ANN)
    assert len(server.requests) == webhook.MAX_REDIRECTS + 1
    assert f"redirected more than {webhook.MAX_REDIRECTS} times" in str(looped.value)


@pytest.mark.parametrize(
    ("status", "headers", "says"),
    [
        (308, {}, "answered 308 with no Location to follow"),
        (300, {"Location": "/choose"}, "answered 300 to /choose, which cannot be followed"),
        (
            307,
            {"Location": "ftp://files.example.com/x"},
            "ftp://files.example.com/x, not an HTTP URL",
        ),
    ],
    ids=["no-location", "multiple-choices", "not-http"],
)
async def test_a_redirect_that_cannot_be_followed_is_an_error_not_success(
    client: httpx.AsyncClient, status: int, headers: dict[str, str], says: str
) -> None:
    with loopback_server() as server:
        server.answers = [(status, headers, b"")]
        with pytest.raises(PermanentStepError) as stopped:
            await webhook.call(client, _request(f"{server.url}/hook"), ANN)
    assert says in str(stopped.value)
