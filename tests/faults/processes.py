"""Herald's own processes for fault tests, started the way `herald dev` starts them.

A worker is `python -m worker` with the environment `herald dev` gives it; the Temporal dev
server is the file-backed `temporal server start-dev` of `herald dev`. Both can be killed
and started again; whatever a test started is killed when it leaves, pass or fail, so no
child or port outlives it.
"""

from __future__ import annotations

import contextlib
import signal
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from temporalio.client import Client

from herald.dev_processes import Child, child_env, spawn, temporal_argv
from herald.settings import Settings
from herald.temporal import connect
from tests.helpers import eventually

START_DEADLINE_S = 60.0
READY_LINE = b"worker polling task queue"


def log_tail(log: Path, lines: int = 30) -> str:
    text = log.read_text(errors="replace") if log.exists() else "(no log)"
    return "\n".join(text.splitlines()[-lines:])


async def kill(child: Child) -> None:
    """SIGKILL: no shutdown code runs, in-flight work is lost mid-step."""
    if child.process.returncode is None:
        with contextlib.suppress(ProcessLookupError):
            child.process.send_signal(signal.SIGKILL)
    await child.process.wait()


class WorkerProcess:
    """`python -m worker` against `address`, on the settings' database and task queue."""

    def __init__(self, settings: Settings, address: str, logs: Path, **env: str) -> None:
        self._env = child_env(settings, address) | {"HERALD_TASK_QUEUE": settings.task_queue}
        self._env.update(env)
        self._logs = logs
        logs.mkdir(parents=True, exist_ok=True)
        self.child: Child | None = None
        self.starts = 0

    @property
    def log(self) -> Path:
        return self._logs / "worker.log"

    async def start(self) -> None:
        self.child = await spawn("worker", [sys.executable, "-m", "worker"], self._logs, self._env)
        self.starts += 1
        # Ready once this start has logged that it polls (the log is appended across starts).
        await eventually(
            self._ready_count,
            lambda n: n >= self.starts,
            deadline_s=START_DEADLINE_S,
            what=f"worker start #{self.starts} to poll",
        )

    async def _ready_count(self) -> int:
        assert self.child is not None
        if self.child.process.returncode is not None:
            raise AssertionError(f"the worker exited; its log:\n{log_tail(self.log)}")
        return self.log.read_bytes().count(READY_LINE) if self.log.exists() else 0

    async def kill(self) -> None:
        if self.child is not None:
            await kill(self.child)

    async def restart(self) -> None:
        await self.kill()
        await self.start()


@asynccontextmanager
async def worker_process(
    settings: Settings, address: str, logs: Path, **env: str
) -> AsyncIterator[WorkerProcess]:
    worker = WorkerProcess(settings, address, logs, **env)
    try:
        await worker.start()
        yield worker
    finally:
        await worker.kill()


class DevServer:
    """The file-backed Temporal dev server of `herald dev`, on the settings' ports."""

    def __init__(self, settings: Settings, logs: Path) -> None:
        self._settings = settings
        self._logs = logs
        logs.mkdir(parents=True, exist_ok=True)
        self.address = f"127.0.0.1:{settings.dev_temporal_port}"
        self.child: Child | None = None

    async def start(self) -> Client:
        argv = temporal_argv(self._settings)
        self.child = await spawn("temporal", argv, self._logs, child_env(self._settings, ""))
        client = await eventually(
            self._connect, lambda c: c is not None, deadline_s=START_DEADLINE_S, what="Temporal"
        )
        assert client is not None
        return client

    async def _connect(self) -> Client | None:
        assert self.child is not None
        if self.child.process.returncode is not None:
            log = self._logs / "temporal.log"
            raise AssertionError(f"the Temporal dev server exited:\n{log_tail(log)}")
        try:
            return await connect(self._settings, self.address)
        except RuntimeError:
            return None

    async def stop(self) -> None:
        """Stopped as an operator stops it (SIGTERM, then SIGKILL after a grace period)."""
        if self.child is not None:
            await self.child.stop()


@asynccontextmanager
async def dev_server(settings: Settings, logs: Path) -> AsyncIterator[DevServer]:
    server = DevServer(settings, logs)
    try:
        yield server
    finally:
        if server.child is not None:
            await kill(server.child)
