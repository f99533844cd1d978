"""A webhook receiver that verifies Herald's HMAC-SHA256 signature as the docs tell users to."""

from __future__ import annotations

import hashlib
import hmac
import json
import time

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from tests.channels.fakes.base import Recorder

TOLERANCE_S = 300


class FakeWebhook(Recorder):
    def __init__(self, secret: str, header: str = "X-Herald-Signature") -> None:
        super().__init__()
        self.secret, self.header = secret.encode(), header
        self.app = Starlette(routes=[Route("/hook", self.hook, methods=["POST"])])

    async def hook(self, request: Request) -> Response:
        body = await request.body()
        if not self._signed(request.headers.get(self.header, ""), body):
            return JSONResponse({"error": "bad signature"}, status_code=401)
        scripted = self.scripted()
        if scripted is not None:
            return scripted
        document = json.loads(body)
        self.accepted.append({"key": request.headers.get("idempotency-key"), **document})
        return JSONResponse({"id": f"wh-{len(self.accepted)}"})

    def _signed(self, header: str, body: bytes) -> bool:
        parts = dict(p.split("=", 1) for p in header.split(",") if "=" in p)
        if not parts.get("t", "").isdigit() or "v1" not in parts:
            return False
        if abs(time.time() - int(parts["t"])) > TOLERANCE_S:
            return False
        expected = hmac.new(self.secret, f"{parts['t']}.".encode() + body, hashlib.sha256)
        return hmac.compare_digest(expected.hexdigest(), parts["v1"])
