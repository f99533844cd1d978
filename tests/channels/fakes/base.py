"""What every fake shares: the record of requests it accepted and scripted failures."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

from starlette.requests import Request
from starlette.responses import JSONResponse, Response


@dataclass
class Recorder:
    accepted: list[dict[str, Any]] = field(default_factory=list)
    fail_next: list[Response] = field(default_factory=list)
    hold: asyncio.Event | None = None  # while set and not released, requests hang

    async def held(self) -> None:
        if self.hold is not None:
            await self.hold.wait()

    def scripted(self) -> Response | None:
        return self.fail_next.pop(0) if self.fail_next else None


def json_error(
    status: int, body: dict[str, Any], headers: dict[str, str] | None = None
) -> JSONResponse:
    return JSONResponse(body, status_code=status, headers=headers)


async def form_of(request: Request) -> dict[str, str]:
    """An application/x-www-form-urlencoded body (without python-multipart)."""
    return dict(parse_qsl((await request.body()).decode(), keep_blank_values=True))
