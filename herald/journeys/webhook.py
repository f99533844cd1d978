"""A journey's webhook step: a templated HTTP call whose JSON answer can be saved."""

from __future__ import annotations

import json
from typing import Any

import httpx

from herald.journeys.errors import PermanentStepError, RetryableStepError
from herald.models import Endpoint
from herald.models.journey_ops import WebhookRequest, WebhookResult
from herald.templates import TemplateRenderError, build_context, journey_variables
from herald.templates.render import render_part


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


async def call(
    client: httpx.AsyncClient, request: WebhookRequest, endpoint: Endpoint
) -> WebhookResult:
    body = render_body(request, endpoint)
    headers = {"Idempotency-Key": request.idempotency_key, **request.headers}
    if body is not None:
        headers.setdefault("Content-Type", "application/json")
    try:
        response = await client.request(
            request.method,
            request.url,
            content=body,
            headers=headers,
            timeout=request.timeout.total_seconds(),
        )
    except httpx.TransportError as exc:
        raise RetryableStepError(f"{request.url}: {type(exc).__name__}: {exc}") from exc
    _raise_for_status(request, response)
    return WebhookResult(status_code=response.status_code, saved=_saved(request, response))


def _raise_for_status(request: WebhookRequest, response: httpx.Response) -> None:
    status = response.status_code
    if status == 429 or status >= 500:
        after = response.headers.get("Retry-After")
        delay = float(after) if after and after.isdigit() else None
        raise RetryableStepError(f"{request.url} answered {status}", retry_after=delay)
    if status >= 400:
        raise PermanentStepError(f"{request.url} answered {status}: {response.text[:300]}")


def _saved(request: WebhookRequest, response: httpx.Response) -> dict[str, list[str]]:
    if not request.save:
        return {}
    try:
        document = response.json()
    except json.JSONDecodeError as exc:
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
