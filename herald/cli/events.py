"""`herald events ...`."""

from __future__ import annotations

from typing import Annotated, Any

import typer
from pydantic import ValidationError

from herald.cli.common import fail, key_values, out, run
from herald.models import Event

app = typer.Typer(help="App events.", no_args_is_help=True)


@app.command("put")
def put(
    event_type: Annotated[str, typer.Option("--type", help="Event type, e.g. purchase.")],
    endpoint: Annotated[str | None, typer.Option(help="Endpoint id.")] = None,
    user: Annotated[str | None, typer.Option(help="User id (with or without --endpoint).")] = None,
    attr: Annotated[list[str] | None, typer.Option(help="KEY=VALUE; repeatable.")] = None,
    metric: Annotated[list[str] | None, typer.Option(help="KEY=NUMBER; repeatable.")] = None,
    at: Annotated[str | None, typer.Option(help="ISO 8601 time with offset; default now.")] = None,
) -> None:
    """Record an app event for an endpoint or a user."""
    fields: dict[str, Any] = {
        "endpoint_id": endpoint,
        "user_id": user,
        "event_type": event_type,
        "attributes": dict(key_values("--attr", attr or [])),
        "metrics": parse_metrics(metric or []),
    }
    if at is not None:
        fields["timestamp"] = at
    try:
        event = Event.model_validate(fields)
    except ValidationError as exc:
        fail("; ".join(f"--{_option(e['loc'])}: {e['msg']}" for e in exc.errors()))
    event_id = run(lambda c: c.put_event(event))
    out.print(f"event {event_id} recorded", highlight=False)


def parse_metrics(pairs: list[str]) -> dict[str, float]:
    metrics = {}
    for key, value in key_values("--metric", pairs, "KEY=NUMBER"):
        try:
            metrics[key] = float(value)
        except ValueError:
            fail(f"--metric {key}={value}: {value!r} is not a number")
    return metrics


def _option(loc: tuple[int | str, ...]) -> str:
    names = {"endpoint_id": "endpoint", "user_id": "user", "timestamp": "at"}
    return ".".join(names.get(str(part), str(part)) for part in loc) or "endpoint/--user"
