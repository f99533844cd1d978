"""The HTTP API served by uvicorn on loopback, over a real SQLite database."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import uvicorn

from herald.api.app import create_app
from herald.settings import Settings
from herald.store import upgrade


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@pytest.fixture
def api(tmp_path: Path) -> Iterator[httpx.Client]:
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'h.db'}")
    upgrade(settings.resolved_database_url)
    port = free_port()
    config = uvicorn.Config(create_app(settings), host="127.0.0.1", port=port, log_level="warning")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert time.monotonic() < deadline, "the API did not start"
        assert thread.is_alive(), "the API thread died"
        time.sleep(0.02)
    with httpx.Client(base_url=f"http://127.0.0.1:{port}") as client:
        yield client
    server.should_exit = True
    thread.join(10)


ENDPOINT = {"kind": "Endpoint", "Id": "ann", "ChannelType": "EMAIL", "Address": "a@example.com"}


def test_definitions_apply_all_or_nothing(api: httpx.Client) -> None:
    bad = {"kind": "Journey", "name": "j", "start": "a", "steps": {"a": {"type": "exit"}, "b": 1}}
    refused = api.post("/v1/definitions", json=[ENDPOINT, bad])
    assert refused.status_code == 422
    assert refused.json()["applied"] is False
    assert any("steps.b" in p for p in refused.json()["detail"])
    assert api.post("/v1/events", json={"EndpointId": "ann", "EventType": "x"}).status_code == 404

    applied = api.post("/v1/definitions", json=[ENDPOINT])
    assert applied.status_code == 200
    assert applied.json() == [
        {"kind": "Endpoint", "name": "ann", "version": None, "changed": True, "note": None}
    ]
    accepted = api.post("/v1/events", json={"EndpointId": "ann", "EventType": "purchase"})
    assert accepted.status_code == 202


def test_put_endpoint_and_read_outbox(api: httpx.Client) -> None:
    body = {"ChannelType": "SMS", "Address": "+15555550100", "Id": "ignored"}
    put = api.put("/v1/endpoints/sms-1", json=body)
    assert put.status_code == 200
    assert put.json()["Id"] == "sms-1"
    assert api.get("/v1/outbox").json() == []
    assert api.get("/health").json() == {"status": "ok"}
    assert api.get("/openapi.json").status_code == 200
