"""A private PostgreSQL cluster for one test: initdb in a temporary directory, postgres on a
free loopback port, trust auth. It can be stopped (fast shutdown) and started again; the
machine's shared server is never touched. Under CI=true a missing initdb fails the test."""

from __future__ import annotations

import asyncio
import contextlib
import os
import pwd
import shutil
import signal
import subprocess
import tempfile
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import psycopg
import pytest

from tests.conftest import IN_CI
from tests.faults.processes import START_DEADLINE_S, log_tail
from tests.helpers import eventually
from tests.loopback_http import free_port


def _bin_dir() -> Path:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
    if not found:
        message = "initdb is missing (no /usr/lib/postgresql/*/bin/initdb): install PostgreSQL"
        if IN_CI:
            pytest.fail(message + "; under CI=true this test must run")
        pytest.skip(message)
    return found[-1].parent


def _run_as() -> str | None:
    """PostgreSQL refuses to run as root: run it as the `postgres` user then."""
    if os.geteuid() != 0:
        return None
    try:
        return pwd.getpwnam("postgres").pw_name
    except KeyError:
        pytest.fail("running as root and there is no `postgres` user to run PostgreSQL as")


class Cluster:
    def __init__(self, bin_dir: Path, root: Path, user: str | None) -> None:
        self._bin, self._root, self._user = bin_dir, root, user
        self.data, self.log = root / "data", root / "postgres.log"
        self.port = free_port()
        self.url = f"postgresql://postgres@127.0.0.1:{self.port}/postgres"
        self.process: asyncio.subprocess.Process | None = None

    def init(self) -> None:
        argv = [str(self._bin / "initdb"), "-D", str(self.data), "-A", "trust", "-U", "postgres"]
        subprocess.run(
            [*argv, "-E", "UTF8", "--no-sync"], check=True, capture_output=True, user=self._user
        )

    async def start(self) -> None:
        argv = [str(self._bin / "postgres"), "-D", str(self.data), "-p", str(self.port)]
        argv += ["-c", "listen_addresses=127.0.0.1", "-c", f"unix_socket_directories={self._root}"]
        with self.log.open("ab") as log:
            self.process = await asyncio.create_subprocess_exec(
                *argv, stdout=log, stderr=log, user=self._user, start_new_session=True
            )
        await eventually(self._accepts, bool, deadline_s=START_DEADLINE_S, what="PostgreSQL")

    async def _accepts(self) -> bool:
        assert self.process is not None
        if self.process.returncode is not None:
            raise AssertionError(f"postgres exited:\n{log_tail(self.log)}")
        try:
            async with await psycopg.AsyncConnection.connect(self.url, connect_timeout=2):
                return True
        except psycopg.OperationalError:
            return False

    async def stop(self, sig: signal.Signals = signal.SIGINT) -> None:
        """SIGINT is PostgreSQL's fast shutdown: sessions are cut, a checkpoint is written."""
        if self.process is not None and self.process.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                self.process.send_signal(sig)
            await self.process.wait()


@asynccontextmanager
async def private_postgres() -> AsyncIterator[Cluster]:
    bin_dir, user = _bin_dir(), _run_as()
    root = Path(tempfile.mkdtemp(prefix="herald-pg-"))
    if user is not None:
        shutil.chown(root, user)
    cluster = Cluster(bin_dir, root, user)
    try:
        cluster.init()
        await cluster.start()
        yield cluster
    finally:
        await cluster.stop(signal.SIGQUIT)  # immediate: the postmaster takes its children along
        shutil.rmtree(root, ignore_errors=True)
