"""API keys on the management API: `Authorization: Bearer hk_...`.

GET and HEAD need a read (or write) key, everything else a write key. Paths whose callers
authenticate otherwise are public here: providers' webhooks carry their own signatures,
tracking links are signed, in-app fetches carry a per-endpoint token.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, HTTPException, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from herald.auth.keys import Scope
from herald.client import HeraldClient
from herald.store.api_keys import check_key

PUBLIC_PREFIXES = ("/health", "/docs", "/redoc", "/openapi.json", "/v1/webhooks/", "/t/")
# Dashboard pages are shells holding no data: their scripts fetch it with the reader's key.
PUBLIC_DASHBOARD = "/dashboard/"
PUBLIC_IN_APP = "/v1/in-app/"  # the app's own fetches; token checked by the in-app routes
bearer = HTTPBearer(auto_error=False, description="An API key from `herald api-keys create`.")
READING = frozenset({"GET", "HEAD", "OPTIONS"})


def is_public(path: str) -> bool:
    if path == "/dashboard" or path.startswith(PUBLIC_DASHBOARD):
        return True
    return path.startswith(PUBLIC_PREFIXES) or path.startswith(PUBLIC_IN_APP)


async def require_key(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> None:
    if is_public(request.url.path):
        return
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise _refused(401, "missing API key: send `Authorization: Bearer hk_...`")
    client: HeraldClient = request.app.state.herald
    async with client.database.session() as session:
        key = await check_key(session, credentials.credentials)
    if key is None:
        raise _refused(401, "API key unknown or revoked; `herald api-keys list` shows live keys")
    wanted = Scope.READ if request.method in READING else Scope.WRITE
    if not key.scope.allows(wanted):
        raise HTTPException(403, f"API key {key.id!r} is {key.scope.value}-only; this needs write")


def _refused(status: int, detail: str) -> HTTPException:
    return HTTPException(status, detail, headers={"WWW-Authenticate": "Bearer"})
