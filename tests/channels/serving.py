"""Real HTTP servers on loopback for the fakes: hypercorn, HTTP/1.1 or HTTP/2 over TLS.

The listening socket is bound before the server starts, so a client can connect at once (the
kernel queues it until hypercorn accepts): no wait for readiness, no sleep.
"""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import cast

from hypercorn.asyncio import serve as hypercorn_serve
from hypercorn.config import Config
from hypercorn.typing import ASGIFramework
from starlette.types import ASGIApp

from tests.channels.keys import Tls


@asynccontextmanager
async def serve(app: ASGIApp, tls: Tls | None = None) -> AsyncIterator[str]:
    """Serve `app` on 127.0.0.1; yields its base URL."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    sock.listen(64)
    sock.set_inheritable(True)
    port = sock.getsockname()[1]
    config = Config()
    # hypercorn takes the descriptor over (and closes it at shutdown).
    config.bind = [f"fd://{sock.detach()}"]
    config.accesslog = None
    config.errorlog = None
    config.graceful_timeout = 0.5
    if tls is not None:
        config.certfile, config.keyfile = str(tls.cert_file), str(tls.key_file)
    stop = asyncio.Event()
    task = asyncio.create_task(
        hypercorn_serve(cast(ASGIFramework, app), config, shutdown_trigger=stop.wait)
    )
    scheme = "https" if tls else "http"
    try:
        yield f"{scheme}://127.0.0.1:{port}"
    finally:
        stop.set()
        await task
