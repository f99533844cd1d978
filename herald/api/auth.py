"""API keys on the management API: `Authorization: Bearer hk_...`.

GET and HEAD need a read (or write) key, everything else a write key. Paths whose callers
authenticate otherwise are public here: providers' webhooks carry their own signatures,
tracking links are signed, in-app fetches carry a per-endpoint token.

The key is checked by an ASGI middleware, before routing: a route's dependencies run only
once its body has been read and parsed, so a check there let a caller with no key have a
malformed body's parser details (422) and made the server buffer whatever body was declared.
"""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import JSONResponse
from fastapi.security import HTTPBearer
from fastapi.security.utils import get_authorization_scheme_param
from starlette.types import ASGIApp, Receive, Scope, Send

from herald.auth.keys import Scope as KeyScope
from herald.client import HeraldClient
from herald.store.api_keys import check_key

PUBLIC_PREFIXES = ("/health", "/docs", "/redoc", "/openapi.json", "/v1/webhooks/", "/t/")
# Dashboard pages are shells holding no data: their scripts fetch it with the reader's key.
PUBLIC_DASHBOARD = "/dashboard/"
PUBLIC_IN_APP = "/v1/in-app/"  # the app's own fetches; token checked by the in-app routes
# A dependency of every route only to publish the scheme in OpenAPI (the docs' Authorize
# button, clients generated from the schema); `KeyCheck` does the checking.
bearer = HTTPBearer(auto_error=False, description="An API key from `herald api-keys create`.")
READING = frozenset({"GET", "HEAD", "OPTIONS"})


def is_public(path: str) -> bool:
    if path == "/dashboard" or path.startswith(PUBLIC_DASHBOARD):
        return True
    return path.startswith(PUBLIC_PREFIXES) or path.startswith(PUBLIC_IN_APP)


class KeyCheck:
    """ASGI middleware: a request to a non-public path goes on only with a key that allows
    its method; otherwise it is answered from its headers alone, its body never read."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            refusal = await refused(Request(scope))
            if refusal is not None:
                await refusal(scope, receive, send)
                return
        await self.app(scope, receive, send)


async def refused(request: Request) -> JSONResponse | None:
    """The answer to a request its key does not let in; None to let it through."""
    if is_public(request.url.path):
        return None
    scheme, credentials = get_authorization_scheme_param(request.headers.get("Authorization"))
    if scheme.lower() != "bearer" or not credentials:
        return _unauthorized("missing API key: send `Authorization: Bearer hk_...`")
    client: HeraldClient = request.app.state.herald
    async with client.database.session() as session:
        key = await check_key(session, credentials)
    if key is None:
        return _unauthorized("API key unknown or revoked; `herald api-keys list` shows live keys")
    wanted = KeyScope.READ if request.method in READING else KeyScope.WRITE
    if not key.scope.allows(wanted):
        detail = f"API key {key.id!r} is {key.scope.value}-only; this needs write"
        return JSONResponse({"detail": detail}, status_code=403)
    return None


def _unauthorized(detail: str) -> JSONResponse:
    return JSONResponse({"detail": detail}, status_code=401, headers={"WWW-Authenticate": "Bearer"})
