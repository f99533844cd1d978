"""Processes: `herald dev`, `herald worker`, `herald api`, `herald db upgrade`."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated

import typer

from herald.cli.common import checked_settings, fail, out

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

    raise typer.Exit(run_dev(checked_settings(), demo=demo, journeys=journeys))


def worker() -> None:
    """Run a worker (migrates the database first)."""
    # The worker lives outside the domain package; hand the process over to it.
    os.execv(sys.executable, [sys.executable, "-m", "worker"])


def api() -> None:
    """Run the HTTP API (migrates the database first)."""
    import uvicorn

    settings = checked_settings()
    _migrate(settings.resolved_database_url)
    uvicorn.run(
        "herald.api.app:create_app", factory=True, host=settings.api_host, port=settings.api_port
    )


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Apply database migrations up to the newest."""
    from herald.store.migrate import current

    url = checked_settings().resolved_database_url
    _migrate(url)
    out.print(f"database at revision {', '.join(current(url))}", highlight=False)


def _migrate(url: str) -> None:
    """Migrations up to the newest; a database that cannot be reached exits 2, saying so."""
    from herald.store import DatabaseUnavailable, upgrade

    try:
        upgrade(url)
    except DatabaseUnavailable as exc:
        fail(str(exc))
