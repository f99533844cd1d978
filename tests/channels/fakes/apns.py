"""APNs over HTTP/2: provider-token (ES256 JWT) auth, apns-* headers, Apple's reasons.

It refuses HTTP/1.1 (as Apple does), tokens not signed by the key it knows or with the wrong
team or key id, apns-id values that are not UUIDs, and topics other than the app's.
Device token "0" * 64 answers 410 Unregistered; anything not 64 hex digits, BadDeviceToken.
"""

from __future__ import annotations

import json
import re
import time
import uuid

from cryptography.hazmat.primitives.asymmetric import ec
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from tests.channels.fakes.base import Recorder, json_error
from tests.channels.keys import BadToken, verify_jwt

HEX_TOKEN = re.compile(r"^[0-9a-f]{64}$")
UNREGISTERED = "0" * 64
PUSH_TYPES = {"alert", "background", "voip", "complication", "fileprovider", "mdm"}


class FakeApns(Recorder):
    def __init__(
        self, public_key: ec.EllipticCurvePublicKey, team: str, key_id: str, topic: str
    ) -> None:
        super().__init__()
        self.public_key, self.team, self.key_id, self.topic = public_key, team, key_id, topic
        self.http_versions: list[str] = []
        self.app = Starlette(routes=[Route("/3/device/{token}", self.push, methods=["POST"])])

    async def push(self, request: Request) -> Response:
        version = str(request.scope.get("http_version"))
        self.http_versions.append(version)
        if version != "2":
            return Response(status_code=505)
        refused = self._check_headers(request)
        if refused is not None:
            return refused
        scripted = self.scripted()
        if scripted is not None:
            return scripted
        token = request.path_params["token"]
        if not HEX_TOKEN.match(token):
            return _reason(400, "BadDeviceToken")
        if token == UNREGISTERED:
            return _reason(410, "Unregistered", timestamp=int(time.time() * 1000))
        try:
            payload = json.loads(await request.body())
        except ValueError:
            return _reason(400, "PayloadEmpty")
        if not isinstance(payload.get("aps"), dict):
            return _reason(400, "PayloadEmpty")
        apns_id = request.headers["apns-id"]
        self.accepted.append({"token": token, "headers": dict(request.headers), "payload": payload})
        return Response(status_code=200, headers={"apns-id": apns_id})

    def _check_headers(self, request: Request) -> Response | None:
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        if scheme != "bearer":
            return _reason(403, "MissingProviderToken")
        try:
            header, claims = verify_jwt(token, self.public_key)
        except BadToken:
            return _reason(403, "InvalidProviderToken")
        if header.get("kid") != self.key_id or claims.get("iss") != self.team:
            return _reason(403, "InvalidProviderToken")
        if time.time() - claims.get("iat", 0) > 3600:
            return _reason(403, "ExpiredProviderToken")
        try:
            uuid.UUID(request.headers.get("apns-id", ""))
        except ValueError:
            return _reason(400, "BadMessageId")
        if request.headers.get("apns-topic") not in (self.topic, f"{self.topic}.voip"):
            return _reason(400, "TopicDisallowed")
        if request.headers.get("apns-push-type") not in PUSH_TYPES:
            return _reason(400, "InvalidPushType")
        if request.headers.get("apns-priority") not in ("5", "10", "1"):
            return _reason(400, "BadPriority")
        return None


def _reason(status: int, reason: str, **extra: object) -> Response:
    return json_error(status, {"reason": reason, **extra})
