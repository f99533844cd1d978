"""Processes: `herald dev`, `herald worker`, `herald api`, `herald db upgrade`."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated

import typer

from herald.cli.common import out
from herald.settings import Settings

db_app = typer.Typer(help="Database migrations.", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    app.command()(dev)
    app.command()(worker)
    app.command()(api)
    app.add_typer(db_app, name="db")


def dev(
    demo: Annotated[
        bool, typer.Option(help="Load journeys/ and enter example participants.")
    ] = False,
    journeys: Annotated[Path, typer.Option(help="Definitions to load with --demo.")] = Path(
        "journeys"
    ),
) -> None:
    """Run Herald on embedded defaults: Temporal dev server + UI, worker, HTTP API."""
    from herald.dev import run_dev

    raise typer.Exit(run_dev(Settings(), demo=demo, journeys=journeys))


def worker() -> None:
    """Run a worker (migrates the database first)."""
    # The worker lives outside the domain package; hand the process over to it.
    os.execv(sys.executable, [sys.executable, "-m", "worker"])


def api() -> None:
    """Run the HTTP API (migrates the database first)."""
    import uvicorn

    from herald.store import upgrade

    settings = Settings()
    upgrade(settings.resolved_database_url)
    uvicorn.run(
        "herald.api.app:create_app", factory=True, host=settings.api_host, port=settings.api_port
    )


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Apply database migrations up to the newest."""
    from herald.store import upgrade
    from herald.store.migrate import current

    url = Settings().resolved_database_url
    upgrade(url)
    out.print(f"database at revision {', '.join(current(url))}", highlight=False)
