"""Google's OAuth2 token endpoint and FCM HTTP v1, as strict as the real ones.

The token endpoint takes a JWT-bearer grant whose RS256 signature the service account's
public key verifies; FCM takes only the access tokens it issued. Device tokens
"unregistered-token" and "bad token" are refused the way FCM refuses them.
"""

from __future__ import annotations

import secrets
import time
from typing import Any

from cryptography.hazmat.primitives.asymmetric import rsa
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from tests.channels.fakes.base import Recorder, form_of, json_error
from tests.channels.keys import BadToken, verify_jwt

GRANT = "urn:ietf:params:oauth:grant-type:jwt-bearer"
SCOPE = "https://www.googleapis.com/auth/firebase.messaging"
FCM_ERROR = "type.googleapis.com/google.firebase.fcm.v1.FcmError"
BAD_REQUEST = "type.googleapis.com/google.rpc.BadRequest"


class FakeFcm(Recorder):
    def __init__(self, public_key: rsa.RSAPublicKey, client_email: str, project: str) -> None:
        super().__init__()
        self.public_key, self.client_email, self.project = public_key, client_email, project
        self.base_url = ""  # set once served: the token audience is base_url + "/token"
        self.issued: set[str] = set()
        self.assertions: list[dict[str, Any]] = []
        self.app = Starlette(
            routes=[
                Route("/token", self.token, methods=["POST"]),
                Route("/v1/projects/{project}/messages:send", self.send, methods=["POST"]),
            ]
        )

    async def token(self, request: Request) -> Response:
        form = await form_of(request)
        if form.get("grant_type") != GRANT:
            return json_error(400, {"error": "unsupported_grant_type"})
        try:
            header, claims = verify_jwt(str(form.get("assertion", "")), self.public_key)
        except BadToken as exc:
            return json_error(400, {"error": "invalid_grant", "error_description": str(exc)})
        now = time.time()
        valid = (
            claims.get("iss") == self.client_email
            and claims.get("aud") == f"{self.base_url}/token"
            and claims.get("scope") == SCOPE
            and claims.get("iat", 0) <= now + 60 < claims.get("exp", 0) + 60
            and claims["exp"] - claims["iat"] <= 3600
        )
        if not valid:
            return json_error(400, {"error": "invalid_grant", "error_description": "claims"})
        self.assertions.append({"header": header, "claims": claims})
        token = "ya29." + secrets.token_urlsafe(24)
        self.issued.add(token)
        return JSONResponse({"access_token": token, "expires_in": 3599, "token_type": "Bearer"})

    async def send(self, request: Request) -> Response:
        bearer = request.headers.get("authorization", "").removeprefix("Bearer ")
        if bearer not in self.issued:
            return _status(
                401, "UNAUTHENTICATED", "Request had invalid authentication credentials."
            )
        if request.path_params["project"] != self.project:
            return _status(403, "PERMISSION_DENIED", "SenderId mismatch", "SENDER_ID_MISMATCH")
        scripted = self.scripted()
        if scripted is not None:
            return scripted
        message = (await request.json()).get("message", {})
        targets = [k for k in ("token", "topic", "condition") if k in message]
        if len(targets) != 1:
            return _bad("message", "exactly one of token, topic, condition")
        if message.get("token") == "unregistered-token":
            return _status(404, "NOT_FOUND", "Requested entity was not found.", "UNREGISTERED")
        if " " in str(message.get("token", "")):
            return _bad("message.token", "Invalid registration token")
        ttl = message.get("android", {}).get("ttl")
        if ttl is not None and not (isinstance(ttl, str) and ttl.endswith("s")):
            return _bad("message.android.ttl", "Invalid duration")
        name = f"projects/{self.project}/messages/0:{secrets.token_hex(8)}"
        self.accepted.append({"name": name, **message})
        return JSONResponse({"name": name})


def _status(status: int, rpc: str, text: str, fcm_code: str | None = None) -> Response:
    details = [{"@type": FCM_ERROR, "errorCode": fcm_code}] if fcm_code else []
    return json_error(
        status, {"error": {"code": status, "message": text, "status": rpc, "details": details}}
    )


def _bad(field: str, description: str) -> Response:
    details = [
        {"@type": FCM_ERROR, "errorCode": "INVALID_ARGUMENT"},
        {"@type": BAD_REQUEST, "fieldViolations": [{"field": field, "description": description}]},
    ]
    error = {"code": 400, "message": f"Invalid value at '{field}'", "status": "INVALID_ARGUMENT"}
    return json_error(400, {"error": {**error, "details": details}})
