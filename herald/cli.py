"""`herald`: a thin command line over `herald.client`. Every listing has `--json`."""

from __future__ import annotations

import asyncio
import json
import os
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from rich.console import Console
from rich.table import Table

from herald.client import HeraldClient, NotFoundError
from herald.definitions import DefinitionError
from herald.models import Event, OutboxMessage
from herald.settings import Settings

app = typer.Typer(help="Herald: journeys and campaigns on Temporal.", no_args_is_help=True)
events_app = typer.Typer(help="App events.", no_args_is_help=True)
outbox_app = typer.Typer(help="Messages kept by the local outbox channel.", no_args_is_help=True)
journeys_app = typer.Typer(help="Journeys and their participants.", no_args_is_help=True)
db_app = typer.Typer(help="Database migrations.", no_args_is_help=True)
app.add_typer(events_app, name="events")
app.add_typer(outbox_app, name="outbox")
app.add_typer(journeys_app, name="journeys")
app.add_typer(db_app, name="db")

out = Console()
err = Console(stderr=True)
T = TypeVar("T")
JsonFlag = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]


def _run(work: Callable[[HeraldClient], Awaitable[T]]) -> T:
    """Run one client call; user errors exit 2 with the message, never a traceback."""

    async def go() -> T:
        async with await HeraldClient.connect() as client:
            return await work(client)

    try:
        return asyncio.run(go())
    except DefinitionError as exc:
        for problem in exc.problems:
            err.print(f"[red]error:[/red] {problem}", highlight=False, soft_wrap=True)
        err.print("nothing was applied", highlight=False)
        raise typer.Exit(2) from None
    except NotFoundError as exc:
        err.print(f"[red]error:[/red] {exc}", highlight=False, soft_wrap=True)
        raise typer.Exit(2) from None


def _print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, indent=2, default=str) + "\n")


@app.command()
def apply(
    files: Annotated[list[Path], typer.Argument(help="YAML/JSON files or directories.")],
    as_json: JsonFlag = False,
) -> None:
    """Validate definition files, then apply them all (or, on any problem, none)."""
    results = _run(lambda c: c.apply_files(files))
    if as_json:
        _print_json([r.model_dump() for r in results])
        return
    for result in results:
        out.print(result.describe(), highlight=False)


def _parse_attrs(pairs: list[str]) -> dict[str, str]:
    attrs = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            err.print(f"[red]error:[/red] --attr {pair!r}: expected KEY=VALUE", highlight=False)
            raise typer.Exit(2)
        attrs[key] = value
    return attrs


@events_app.command("put")
def events_put(
    endpoint: Annotated[str, typer.Option(help="Endpoint id.")],
    event_type: Annotated[str, typer.Option("--type", help="Event type, e.g. purchase.")],
    attr: Annotated[list[str] | None, typer.Option(help="KEY=VALUE; repeatable.")] = None,
) -> None:
    """Record an app event for an endpoint."""
    event = Event(endpoint_id=endpoint, event_type=event_type, attributes=_parse_attrs(attr or []))
    event_id = _run(lambda c: c.put_event(event))
    out.print(f"event {event_id} recorded", highlight=False)


@outbox_app.command("list")
def outbox_list(
    journey: Annotated[str | None, typer.Option(help="Only this journey.")] = None,
    endpoint: Annotated[str | None, typer.Option(help="Only this endpoint.")] = None,
    limit: Annotated[int, typer.Option(help="Newest N messages.")] = 50,
    as_json: JsonFlag = False,
) -> None:
    """Messages the outbox channel kept, oldest first."""
    messages = _run(lambda c: c.outbox(journey=journey, endpoint_id=endpoint, limit=limit))
    if as_json:
        _print_json([m.model_dump(mode="json") for m in messages])
        return
    out.print(_outbox_table(messages))


def _outbox_table(messages: list[OutboxMessage]) -> Table:
    table = Table("id", "at", "channel", "to", "journey/step", "message")
    for m in messages:
        c = m.content
        text = c.subject or c.body or ""
        if c.text or c.html:
            text += " | " + (c.text or c.html or "").strip().replace("\n", " ")[:80]
        where = f"{m.journey}/{m.step_id}" if m.journey else ""
        table.add_row(
            str(m.id), m.created_at.strftime("%H:%M:%S"), m.channel, m.address, where, text
        )
    return table


@journeys_app.command("enter")
def journeys_enter(
    name: Annotated[str, typer.Argument(help="Journey name.")],
    endpoint: Annotated[str, typer.Option(help="Endpoint id of the participant.")],
) -> None:
    """Enter an endpoint into the latest published version of a journey."""
    result = _run(lambda c: c.enter(name, endpoint))
    verb = "was already in" if result.already_entered else "entered"
    out.print(f"{endpoint} {verb} {name} v{result.version} ({result.workflow_id})", highlight=False)


@journeys_app.command("list")
def journeys_list(as_json: JsonFlag = False) -> None:
    """Published journeys with their latest version."""
    published = _run(lambda c: c.journeys())
    if as_json:
        _print_json([p.model_dump(mode="json") for p in published])
        return
    table = Table("journey", "version", "published", "steps", "description")
    for p in published:
        when = p.published_at.strftime("%Y-%m-%d %H:%M")
        steps = str(len(p.journey.steps))
        table.add_row(p.journey.name, str(p.version), when, steps, p.journey.description)
    out.print(table)


@app.command()
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


@app.command()
def worker() -> None:
    """Run a worker (migrates the database first)."""
    # The worker lives outside the domain package; hand the process over to it.
    os.execv(sys.executable, [sys.executable, "-m", "worker"])


@app.command()
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
    out.print(f"database at revision {current(url)}", highlight=False)


def main() -> None:
    app()
