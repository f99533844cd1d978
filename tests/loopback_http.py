"""A real HTTP server on loopback that records requests and answers from a script."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
import uvicorn
from fastapi import FastAPI


def free_port() -> int:
    """A port nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def port_open(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0


@contextmanager
def serve_app(app: FastAPI) -> Iterator[httpx.Client]:
    """Serve an ASGI app with uvicorn on a free loopback port; a client to it."""
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:  # polled against a deadline: uvicorn offers no start event
        assert time.monotonic() < deadline, "the app did not start"
        assert thread.is_alive(), "the server thread died"
        time.sleep(0.02)
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}") as client:
            yield client
    finally:
        server.should_exit = True
        thread.join(10)


@dataclass
class Recorded:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class Loopback:
    url: str
    requests: list[Recorded] = field(default_factory=list)
    # Answers in order: (status, headers, body); the last one repeats.
    answers: list[tuple[int, dict[str, str], bytes]] = field(default_factory=list)
    # While clear, requests are recorded and then held unanswered: a caller stays mid-request
    # until the test sets it (bounded, so a failing test cannot hang the server's shutdown).
    gate: threading.Event = field(default_factory=threading.Event)

    def __post_init__(self) -> None:
        self.gate.set()


@contextmanager
def loopback_server() -> Iterator[Loopback]:
    state = Loopback(url="")

    class Handler(BaseHTTPRequestHandler):
        def _answer(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length)
            state.requests.append(Recorded(self.command, self.path, dict(self.headers), body))
            state.gate.wait(30)
            index = min(len(state.requests), len(state.answers)) - 1
            status, headers, payload = state.answers[index] if state.answers else (200, {}, b"{}")
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        do_GET = do_POST = do_PUT = do_PATCH = _answer

        def log_message(self, format: str, *args: Any) -> None:
            pass  # keep test output clean

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
