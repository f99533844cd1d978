"""A webhook receiver on loopback whose failures the test switches: 500, connection reset,
no answer (the client times out), 429 with Retry-After, and healthy.

It checks Herald's signature and records every attempt with the message's Idempotency-Key.
Only a healthy answer is a delivery, so a key delivered twice is a message sent twice.
"""

from __future__ import annotations

import json
import socket
import struct
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from enum import StrEnum
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from herald.channels.webhook import signature

HOLD_S = 60.0  # a request held in TIMEOUT mode is dropped after this, or when released


class Mode(StrEnum):
    THROTTLE = "429 with Retry-After"
    FAIL = "500"
    RESET = "connection reset"
    TIMEOUT = "no answer"
    OK = "healthy"


@dataclass(frozen=True)
class Attempt:
    key: str
    mode: Mode
    at: float  # time.monotonic()


@dataclass
class Receiver:
    secret: bytes
    retry_after_s: int
    url: str = ""
    mode: Mode = Mode.OK
    attempts: list[Attempt] = field(default_factory=list)
    delivered: Counter[str] = field(default_factory=Counter)
    ids: dict[str, str] = field(default_factory=dict)
    release: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def keys_in(self, mode: Mode) -> set[str]:
        with self.lock:
            return {a.key for a in self.attempts if a.mode is mode}

    def signed(self, header: str, body: bytes) -> bool:
        parts = dict(p.split("=", 1) for p in header.split(",") if "=" in p)
        stamp = parts.get("t", "")
        return stamp.isdigit() and signature(self.secret, int(stamp), body) == header

    def answer(self, key: str) -> tuple[int, dict[str, str], dict[str, Any]] | None:
        """What the receiver does with one signed attempt; None: drop the connection."""
        mode = self.mode
        with self.lock:
            self.attempts.append(Attempt(key, mode, time.monotonic()))
            if mode is Mode.OK:
                self.delivered[key] += 1
                self.ids.setdefault(key, f"rx-{len(self.ids) + 1}")
                return 200, {}, {"id": self.ids[key]}
        if mode is Mode.THROTTLE:
            return 429, {"Retry-After": str(self.retry_after_s)}, {"error": "slow down"}
        if mode is Mode.FAIL:
            return 500, {}, {"error": "internal error"}
        if mode is Mode.TIMEOUT:
            self.release.wait(HOLD_S)
        return None


def _handler(receiver: Receiver) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            if not receiver.signed(self.headers.get("X-Herald-Signature", ""), body):
                self._send(401, {}, {"error": "bad signature"})
                return
            answer = receiver.answer(self.headers.get("Idempotency-Key", ""))
            if answer is None:
                # An RST instead of a FIN: linger zero, then close.
                self.connection.setsockopt(
                    socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0)
                )
                self.connection.close()
                return
            self._send(*answer)

        def _send(self, status: int, headers: dict[str, str], doc: dict[str, Any]) -> None:
            payload = json.dumps(doc).encode()
            self.send_response(status)
            for name, value in {**headers, "Content-Type": "application/json"}.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, format: str, *args: Any) -> None:
            pass  # keep test output clean

    return Handler


@contextmanager
def faulty_receiver(secret: str, retry_after_s: int) -> Iterator[Receiver]:
    receiver = Receiver(secret.encode(), retry_after_s)
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(receiver))
    server.daemon_threads = True
    receiver.url = f"http://127.0.0.1:{server.server_address[1]}/hook"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield receiver
    finally:
        receiver.release.set()
        server.shutdown()
        server.server_close()
        thread.join(10)
