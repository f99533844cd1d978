"""`herald journeys ...`."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from herald.cli.common import JsonFlag, out, print_json, run

app = typer.Typer(help="Journeys and their participants.", no_args_is_help=True)


@app.command("enter")
def enter(
    name: Annotated[str, typer.Argument(help="Journey name.")],
    endpoint: Annotated[str, typer.Option(help="Endpoint id of the participant.")],
) -> None:
    """Enter an endpoint into the latest published version of a journey."""
    result = run(lambda c: c.enter(name, endpoint))
    verb = "was already in" if result.already_entered else "entered"
    out.print(f"{endpoint} {verb} {name} v{result.version} ({result.workflow_id})", highlight=False)


@app.command("list")
def list_(as_json: JsonFlag = False) -> None:
    """Published journeys with their latest version."""
    published = run(lambda c: c.journeys())
    if as_json:
        print_json([p.model_dump(mode="json") for p in published])
        return
    table = Table("journey", "version", "published", "steps", "description")
    for p in published:
        when = p.published_at.strftime("%Y-%m-%d %H:%M")
        steps = str(len(p.journey.steps))
        table.add_row(p.journey.name, str(p.version), when, steps, p.journey.description)
    out.print(table)
