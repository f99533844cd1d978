"""The FastAPI application. OpenAPI is published at /docs."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from herald import __version__
from herald.api.audience import router as audience_router
from herald.api.campaigns import router as campaigns_router
from herald.api.inapp import router as in_app_router
from herald.api.routes import router
from herald.client import HeraldClient, NotFoundError
from herald.definitions import DefinitionError
from herald.settings import Settings


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        client = await HeraldClient.connect(settings, migrate=False)
        app.state.herald = client
        try:
            yield
        finally:
            await client.close()

    app = FastAPI(title="Herald", version=__version__, lifespan=lifespan)
    app.include_router(router)
    app.include_router(audience_router)
    app.include_router(in_app_router)
    app.include_router(campaigns_router)
    app.add_exception_handler(DefinitionError, _definition_error)
    app.add_exception_handler(NotFoundError, _not_found)
    return app


async def _definition_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, DefinitionError)
    return JSONResponse({"detail": exc.problems, "applied": False}, status_code=422)


async def _not_found(_: Request, exc: Exception) -> JSONResponse:
    return JSONResponse({"detail": str(exc)}, status_code=404)
