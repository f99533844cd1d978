"""`herald`: a thin command line over `herald.client`. Every listing has `--json`.

Each command group lives in its own module and is registered here.
"""

from __future__ import annotations

import typer

from herald.cli import (
    api_keys,
    campaigns,
    definitions,
    endpoints,
    events,
    journeys,
    messages,
    metrics,
    otp,
    outbox,
    pinpoint,
    runtime,
    segments,
    suppressions,
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
app.command()(messages.send)
app.add_typer(otp.app, name="otp")
app.add_typer(suppressions.app, name="suppressions")
app.add_typer(metrics.app, name="metrics")
app.add_typer(api_keys.app, name="api-keys")
runtime.register(app)


def main() -> None:
    app()
