"""The FastAPI application. OpenAPI is published at /docs."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import Depends, FastAPI, Request
from fastapi.responses import JSONResponse

from herald import __version__
from herald.api.audience import router as audience_router
from herald.api.auth import KeyCheck, bearer
from herald.api.campaigns import router as campaigns_router
from herald.api.dashboard import pages as dashboard_pages
from herald.api.dashboard import router as dashboard_router
from herald.api.inapp import router as in_app_router
from herald.api.inapp import token_router as in_app_token_router
from herald.api.messages import router as messages_router
from herald.api.metrics import router as metrics_router
from herald.api.otp import router as otp_router
from herald.api.prometheus import Telemetry
from herald.api.prometheus import router as prometheus_router
from herald.api.routes import router
from herald.api.suppressions import router as suppressions_router
from herald.api.templates import router as templates_router
from herald.api.tracking import router as tracking_router
from herald.api.webhooks import retry_later, webhook_error
from herald.api.webhooks import router as webhooks_router
from herald.client import HeraldClient, NotFoundError
from herald.definitions import DefinitionError
from herald.delivery import RetryableSendError
from herald.inbound.errors import WebhookError
from herald.journeys.entry import EntryError
from herald.metrics import MetricsNotFound
from herald.settings import Settings
from herald.temporal import TemporalUnavailable


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

    app = FastAPI(
        title="Herald",
        version=__version__,
        lifespan=lifespan,
        # Publishes the bearer scheme in OpenAPI; KeyCheck (below) checks the key.
        dependencies=[Depends(bearer)],
    )
    app.include_router(router)
    app.include_router(audience_router)
    app.include_router(in_app_router)
    app.include_router(messages_router)
    app.include_router(otp_router)
    app.include_router(templates_router)
    app.include_router(suppressions_router)
    app.include_router(metrics_router)
    app.include_router(prometheus_router)
    app.state.telemetry = Telemetry()
    # Added first, so it runs inside the request counter: refused requests are counted too.
    app.add_middleware(KeyCheck)
    app.middleware("http")(app.state.telemetry.count)
    app.include_router(campaigns_router)
    app.include_router(dashboard_router)
    app.include_router(dashboard_pages)
    app.add_exception_handler(DefinitionError, _definition_error)
    app.add_exception_handler(NotFoundError, _not_found)
    app.add_exception_handler(MetricsNotFound, _not_found)
    app.add_exception_handler(EntryError, _refused)
    app.add_exception_handler(TemporalUnavailable, _unavailable)
    app.include_router(webhooks_router)
    app.include_router(in_app_token_router)
    app.include_router(tracking_router)
    app.add_exception_handler(WebhookError, webhook_error)
    app.add_exception_handler(RetryableSendError, retry_later)
    return app


async def _definition_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, DefinitionError)
    return JSONResponse({"detail": exc.problems, "applied": False}, status_code=422)


async def _not_found(_: Request, exc: Exception) -> JSONResponse:
    return JSONResponse({"detail": str(exc)}, status_code=404)


async def _refused(_: Request, exc: Exception) -> JSONResponse:
    return JSONResponse({"detail": str(exc)}, status_code=422)


async def _unavailable(_: Request, exc: Exception) -> JSONResponse:
    # Definitions and audience data still work; what needs Temporal waits for it to return.
    return JSONResponse({"detail": str(exc)}, status_code=503)
