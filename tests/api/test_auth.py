"""The API key is checked from the request's headers, before routing reads and parses its
body: a caller without a key learns nothing from the body's parser and cannot make the
server buffer a body it declares."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest

from herald.api.app import create_app
from herald.auth.keys import Scope
from herald.settings import Settings
from herald.store import upgrade
from tests.inbound.conftest import call
from tests.loopback_http import serve_app

ANSWER_DEADLINE_S = 5.0
BROKEN_JSON = b'[{"kind": '


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'h.db'}")
    upgrade(settings.resolved_database_url)
    return settings


@pytest.fixture
def keyless(settings: Settings) -> Iterator[httpx.Client]:
    """The served API, and a client holding no API key."""
    with serve_app(create_app(settings)) as client:
        yield client


def _post_broken(http: httpx.Client, key: str | None = None) -> httpx.Response:
    headers = {"content-type": "application/json"}
    if key is not None:
        headers["Authorization"] = f"Bearer {key}"
    return http.post("/v1/definitions", content=BROKEN_JSON, headers=headers)


def test_a_malformed_body_without_a_key_is_401_not_the_parsers_422(
    keyless: httpx.Client,
) -> None:
    broken = _post_broken(keyless)
    assert (broken.status_code, broken.headers.get("www-authenticate")) == (401, "Bearer"), (
        broken.text
    )
    assert "json_invalid" not in broken.text


def test_a_read_key_on_a_write_is_403_before_the_body_is_parsed(
    settings: Settings, keyless: httpx.Client
) -> None:
    reader = call(settings, lambda h: h.create_api_key("reader", Scope.READ)).key
    writer = call(settings, lambda h: h.create_api_key("writer")).key
    assert _post_broken(keyless, reader).status_code == 403
    assert _post_broken(keyless, writer).status_code == 422  # let in: now the body counts


def test_a_request_without_a_key_is_refused_before_its_body_is_read(
    keyless: httpx.Client,
) -> None:
    # A declared 1 GB body, sent slowly: the answer must come from the headers alone.
    url = urlsplit(str(keyless.base_url))
    assert url.port is not None
    answers = {}
    for path in ("/v1/endpoints/import", "/v1/definitions"):
        with socket.create_connection(("127.0.0.1", url.port)) as conn:
            conn.sendall(
                f"POST {path} HTTP/1.1\r\nHost: herald\r\nContent-Type: application/json\r\n"
                "Content-Length: 1000000000\r\n\r\n[".encode()
            )
            conn.settimeout(ANSWER_DEADLINE_S)  # a deadline on the answer, not a sleep
            try:
                answers[path] = conn.recv(64).split(b"\r\n")[0].decode()
            except TimeoutError:
                answers[path] = f"no answer within {ANSWER_DEADLINE_S}s (reading the body)"
    assert answers == {
        "/v1/endpoints/import": "HTTP/1.1 401 Unauthorized",
        "/v1/definitions": "HTTP/1.1 401 Unauthorized",
    }


def test_the_schema_still_publishes_the_bearer_scheme(keyless: httpx.Client) -> None:
    # The docs' Authorize button and generated clients read it from every operation.
    schema = keyless.get("/openapi.json").json()
    assert schema["components"]["securitySchemes"]["HTTPBearer"]["scheme"] == "bearer"
    assert schema["paths"]["/v1/definitions"]["post"]["security"] == [{"HTTPBearer": []}]
