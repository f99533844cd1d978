"""`herald events ...`."""

from __future__ import annotations

from typing import Annotated

import typer

from herald.cli.common import fail, out, run
from herald.models import Event

app = typer.Typer(help="App events.", no_args_is_help=True)


def parse_attrs(pairs: list[str]) -> dict[str, str]:
    attrs = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            fail(f"--attr {pair!r}: expected KEY=VALUE")
        attrs[key] = value
    return attrs


@app.command("put")
def put(
    endpoint: Annotated[str, typer.Option(help="Endpoint id.")],
    event_type: Annotated[str, typer.Option("--type", help="Event type, e.g. purchase.")],
    attr: Annotated[list[str] | None, typer.Option(help="KEY=VALUE; repeatable.")] = None,
) -> None:
    """Record an app event for an endpoint."""
    event = Event(endpoint_id=endpoint, event_type=event_type, attributes=parse_attrs(attr or []))
    event_id = run(lambda c: c.put_event(event))
    out.print(f"event {event_id} recorded", highlight=False)
