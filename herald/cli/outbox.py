"""`herald outbox ...`."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from herald.cli.common import JsonFlag, out, print_json, run
from herald.models import OutboxMessage

app = typer.Typer(help="Messages kept by the local outbox channel.", no_args_is_help=True)


@app.command("list")
def list_(
    journey: Annotated[str | None, typer.Option(help="Only this journey.")] = None,
    endpoint: Annotated[str | None, typer.Option(help="Only this endpoint.")] = None,
    limit: Annotated[int, typer.Option(help="Newest N messages.")] = 50,
    as_json: JsonFlag = False,
) -> None:
    """Messages the outbox channel kept, oldest first."""
    messages = run(lambda c: c.outbox(journey=journey, endpoint_id=endpoint, limit=limit))
    if as_json:
        print_json([m.model_dump(mode="json") for m in messages])
        return
    out.print(_table(messages))


def _table(messages: list[OutboxMessage]) -> Table:
    table = Table("id", "at", "channel", "to", "from", "message")
    for m in messages:
        c = m.content
        text = c.subject or c.body or ""
        if c.text or c.html:
            text += " | " + (c.text or c.html or "").strip().replace("\n", " ")[:80]
        at = m.created_at.strftime("%H:%M:%S")
        table.add_row(str(m.id), at, m.channel, m.address, m.origin, text)
    return table
