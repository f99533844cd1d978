"""`herald dev`: Herald on embedded defaults, in one command.

Starts the Temporal dev server (SQLite file under HERALD_HOME, UI, Herald's search attributes)
unless HERALD_TEMPORAL_ADDRESS names one, then a worker and the HTTP API as child processes;
with --demo applies the definitions in journeys/ and enters the example participants. It
prints each message the outbox keeps, and on Ctrl-C stops every child, server last. Run it
again on the same HERALD_HOME and waiting journeys carry on where they were.
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
import sys
from pathlib import Path

from rich.console import Console

from herald.auth.dev_key import KEY_FILE, dev_key
from herald.cli.common import labelled
from herald.client import HeraldClient
from herald.definitions import DefinitionError
from herald.demo import load_demo
from herald.dev_processes import (
    Child,
    DevError,
    api_argv,
    child_env,
    ensure_port_free,
    spawn,
    temporal_argv,
)
from herald.models import OutboxMessage
from herald.settings import Settings
from herald.store import upgrade
from herald.temporal import connect

# No markup, as in the CLI: messages print subjects and addresses as written.
console = Console(highlight=False, markup=False)
SERVER_START_SECONDS = 60


def run_dev(settings: Settings, *, demo: bool, journeys: Path) -> int:
    try:
        return asyncio.run(_run(settings, demo=demo, journeys=journeys))
    except (DevError, DefinitionError) as exc:
        console.print(labelled("herald dev:", str(exc)))
        return 2


async def _run(settings: Settings, *, demo: bool, journeys: Path) -> int:
    logs = settings.home / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    upgrade(settings.resolved_database_url)
    ensure_port_free(settings.api_port, "the HTTP API", "HERALD_API_PORT")
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    children: list[Child] = []
    try:
        address = await _start_temporal(settings, logs, children)
        env = child_env(settings, address)
        settings = settings.model_copy(update={"temporal_address": address})
        children.append(await spawn("worker", [sys.executable, "-m", "worker"], logs, env))
        children.append(await spawn("api", api_argv(settings), logs, env))
        return await _serve(settings, children, stop, demo=demo, journeys=journeys)
    finally:
        for child in reversed(children):
            await child.stop()
        console.print("stopped: " + ", ".join(c.name for c in reversed(children)))


async def _start_temporal(settings: Settings, logs: Path, children: list[Child]) -> str:
    if settings.temporal_address:
        console.print(f"using the Temporal server at {settings.temporal_address}")
        return settings.temporal_address
    ensure_port_free(settings.dev_temporal_port, "Temporal", "HERALD_DEV_TEMPORAL_PORT")
    ensure_port_free(settings.dev_ui_port, "the Temporal UI", "HERALD_DEV_UI_PORT")
    server = await spawn("temporal", temporal_argv(settings), logs, child_env(settings, ""))
    children.append(server)
    address = f"127.0.0.1:{settings.dev_temporal_port}"
    deadline = asyncio.get_running_loop().time() + SERVER_START_SECONDS
    while True:
        if server.process.returncode is not None:
            raise DevError(f"the Temporal dev server exited; see {server.log}")
        try:
            await connect(settings, address)
            return address
        except RuntimeError:
            if asyncio.get_running_loop().time() > deadline:
                raise DevError(f"the Temporal dev server did not start; see {server.log}") from None
            await asyncio.sleep(0.2)


async def _serve(
    settings: Settings, children: list[Child], stop: asyncio.Event, *, demo: bool, journeys: Path
) -> int:
    async with await HeraldClient.connect(settings, migrate=False) as client:
        seen = max((m.id for m in await client.outbox(limit=1)), default=0)
        key = await dev_key(client, settings.home)
        if demo:
            await load_demo(client, journeys, console)
        _banner(settings, children, key)
        while not stop.is_set():
            dead = [c for c in children if c.process.returncode is not None]
            if dead:
                console.print(labelled(f"{dead[0].name} exited;", f"see {dead[0].log}"))
                return 1
            for message in await client.outbox(after_id=seen, limit=200):
                _show(message)
                seen = message.id
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), 1.0)
    return 0


def _banner(settings: Settings, children: list[Child], key: str) -> None:
    ui = settings.ui_url if any(c.name == "temporal" for c in children) else "(your Temporal UI)"
    console.print("\nHerald is running.", style="bold")
    console.print(
        f"  Temporal UI     {ui}/namespaces/{settings.temporal_namespace}/workflows\n"
        f"  HTTP API        http://{settings.api_host}:{settings.api_port}/docs\n"
        f"  API key         {key}\n"
        f"                  (Authorization: Bearer; kept in {settings.home / KEY_FILE})\n"
        f"  Outbox          herald outbox list   (new messages are printed below)\n"
        f"  Logs            {(settings.home / 'logs').resolve()}\n"
        "  Stop            Ctrl-C\n"
    )


def _show(message: OutboxMessage) -> None:
    content = message.content
    what = content.subject or content.body or ""
    console.print(
        labelled(
            "outbox",
            f"#{message.id} {message.channel} to {message.address} ({message.origin}): {what}",
            "green",
        )
    )
