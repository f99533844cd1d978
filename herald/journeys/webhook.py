"""A journey's webhook step: a templated HTTP call whose JSON answer can be saved."""

from __future__ import annotations

import json
from typing import Any

import httpx
import jinja2

from herald.journeys.errors import PermanentStepError, RetryableStepError
from herald.models import Endpoint
from herald.models.journey_ops import WebhookRequest, WebhookResult
from herald.templates import TemplateRenderError, build_context, journey_variables
from herald.templates.environment import compile_source, environment
from herald.templates.render import render_part
from herald.templates.syntax import SourceError, normalise, parse

# Redirects. A 307 or 308 (an API that moved, or normalises its path) is followed with the
# same method and body. A 301, 302 or 303 is followed by a GET only: HTTP clients turn a POST
# so redirected into a GET without its body (as browsers do), so the receiving service would
# get a call without the participant's data while the step reported success. Such a redirect
# of a POST, PUT or PATCH fails the step for good, naming the Location, so that the journey's
# `url` is corrected rather than its data silently dropped. A redirect left after
# MAX_REDIRECTS, or one that cannot be followed, is an error too, never a success.
MAX_REDIRECTS = 5
_KEEP_METHOD = frozenset({307, 308})


def render_body(request: WebhookRequest, endpoint: Endpoint) -> str | None:
    if request.body is None:
        return None
    journey = journey_variables(
        request.journey, request.journey_version, request.step_id, request.event_type, request.event
    )
    context = build_context(endpoint, journey=journey)
    try:
        return render_part(f"webhook {request.step_id}", "body", request.body, context, html=False)
    except TemplateRenderError as exc:
        raise PermanentStepError(str(exc)) from exc


def body_problem(body: str) -> str | None:
    """What keeps `body` from compiling as `render_body` compiles it (the same sandboxed
    text environment): the line, column when known, and the parser's message."""
    try:
        parse(environment(html=False), normalise(body))
        compile_source(body, False)  # what the compiler checks beyond: unknown filters, tests
    except SourceError as exc:
        return f"{exc.where()}: {exc.message}"
    except jinja2.TemplateSyntaxError as exc:
        return f"line {exc.lineno}: {exc.message}"
    return None


async def call(
    client: httpx.AsyncClient, request: WebhookRequest, endpoint: Endpoint
) -> WebhookResult:
    body = render_body(request, endpoint)
    headers = {"Idempotency-Key": request.idempotency_key, **request.headers}
    if body is not None:
        headers.setdefault("Content-Type", "application/json")
    try:
        # Redirects are followed here, whatever the client was made with (see MAX_REDIRECTS).
        response = await client.request(
            request.method,
            request.url,
            content=body,
            headers=headers,
            timeout=request.timeout.total_seconds(),
            follow_redirects=False,
        )
        for _ in range(MAX_REDIRECTS):
            following = response.next_request
            if following is None:
                break
            _check_redirect(request, response, following)
            response = await client.send(following, follow_redirects=False)
    except httpx.TransportError as exc:
        raise RetryableStepError(f"{request.url}: {type(exc).__name__}: {exc}") from exc
    _raise_for_status(request, response)
    return WebhookResult(status_code=response.status_code, saved=_saved(request, response))


def _check_redirect(
    request: WebhookRequest, response: httpx.Response, following: httpx.Request
) -> None:
    status, location = response.status_code, response.headers["Location"]
    if status not in _KEEP_METHOD and request.method != "GET":
        raise PermanentStepError(
            f"{response.url} answered {status} redirecting to {location}; a {request.method} "
            "is followed only through a 307 or 308 (a 301, 302 or 303 would make it a GET "
            "without its body): point the step's url at the new location"
        )
    if following.url.scheme not in ("http", "https"):
        raise PermanentStepError(
            f"{response.url} answered {status} redirecting to {location}, not an HTTP URL"
        )


def _raise_for_status(request: WebhookRequest, response: httpx.Response) -> None:
    status = response.status_code
    if status == 429 or status >= 500:
        after = response.headers.get("Retry-After")
        delay = float(after) if after and after.isdigit() else None
        raise RetryableStepError(f"{request.url} answered {status}", retry_after=delay)
    if status >= 400:
        raise PermanentStepError(f"{request.url} answered {status}: {response.text[:300]}")
    if status >= 300:  # a redirect not followed is no answer from the endpoint
        location = response.headers.get("Location")
        if response.next_request is not None:
            raise PermanentStepError(
                f"{request.url} redirected more than {MAX_REDIRECTS} times; the last "
                f"answer, from {response.url}, was {status} to {location}"
            )
        raise PermanentStepError(
            f"{response.url} answered {status} with no Location to follow"
            if location is None
            else f"{response.url} answered {status} to {location}, which cannot be followed"
        )


def _saved(request: WebhookRequest, response: httpx.Response) -> dict[str, list[str]]:
    if not request.save:
        return {}
    try:
        document = response.json()
    except ValueError as exc:  # not JSON, or bytes that are not UTF-8 (UnicodeDecodeError)
        raise PermanentStepError(f"{request.url} did not answer JSON; cannot save fields") from exc
    saved = {}
    for attribute, path in request.save.items():
        value = _dig(document, path)
        if value is not None:
            values = value if isinstance(value, list) else [value]
            saved[attribute] = [_as_text(v) for v in values]
    return saved


def _as_text(value: Any) -> str:
    """A JSON string as it is; any other JSON value as its JSON text (`true`, `1.5`,
    `{"a": 1}`), which is what a split's `values` are written against, not Python's repr."""
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False)


def _dig(document: Any, path: str) -> Any:
    for part in path.split("."):
        if isinstance(document, dict):
            document = document.get(part)
        elif isinstance(document, list) and part.isdigit() and int(part) < len(document):
            document = document[int(part)]
        else:
            return None
    return document
