"""`herald`: a thin command line over `herald.client`. Every listing has `--json`.

Each command group lives in its own module and is registered here.
"""

from __future__ import annotations

import typer

from herald.cli import (
    campaigns,
    definitions,
    endpoints,
    events,
    journeys,
    outbox,
    pinpoint,
    runtime,
    segments,
    templates,
)

app = typer.Typer(help="Herald: journeys and campaigns on Temporal.", no_args_is_help=True)
app.command()(definitions.apply)
app.add_typer(events.app, name="events")
app.add_typer(endpoints.app, name="endpoints")
app.add_typer(segments.app, name="segments")
app.add_typer(outbox.app, name="outbox")
app.add_typer(journeys.app, name="journeys")
app.add_typer(campaigns.app, name="campaigns")
app.add_typer(pinpoint.app, name="pinpoint")
app.add_typer(templates.app, name="templates")
runtime.register(app)


def main() -> None:
    app()
