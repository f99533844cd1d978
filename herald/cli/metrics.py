"""`herald metrics journey|campaign NAME [--json]`."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from herald.cli.common import JsonFlag, labelled, out, print_json, run
from herald.metrics.models import ENGAGEMENT, Engagement

app = typer.Typer(help="Journey and campaign metrics.", no_args_is_help=True)
COLUMNS = ("sent", *ENGAGEMENT)


@app.command("journey")
def journey(name: str, as_json: JsonFlag = False) -> None:
    """Entries, each step's funnel and exits of a journey."""
    metrics = run(lambda c: c.journey_metrics(name))
    if as_json:
        print_json(metrics.model_dump(mode="json"))
        return
    exited = ", ".join(f"{reason}: {n}" for reason, n in metrics.exited.items()) or "none"
    counts = (
        f"entered {metrics.entered}, active {metrics.active}, "
        f"completed {metrics.completed}; exited: {exited}"
    )
    out.print(labelled(f"{name}:", counts, "bold"), highlight=False)
    table = Table("step", "reached", "here now", *COLUMNS)
    for step in metrics.steps:
        table.add_row(step.step_id, str(step.reached), str(step.here_now), *_counts(step))
    out.print(table)


@app.command("campaign")
def campaign(
    name: str,
    conversion: Annotated[
        str | None, typer.Option(help="Event type that counts as a conversion.")
    ] = None,
    as_json: JsonFlag = False,
) -> None:
    """Each treatment of a campaign against its holdout."""
    metrics = run(lambda c: c.campaign_metrics(name, conversion))
    if as_json:
        print_json(metrics.model_dump(mode="json"))
        return
    table = Table("treatment", "members", *COLUMNS, "converted", "rate", "lift")
    for t in [*metrics.treatments, metrics.holdout]:
        lift = f"{t.lift:+.1%}" if t.lift is not None else ""
        table.add_row(
            t.treatment_id,
            str(t.members),
            *_counts(t),
            str(t.converted),
            f"{t.conversion_rate:.1%}",
            lift,
        )
    out.print(table)


def _counts(metrics: Engagement) -> list[str]:
    return [str(getattr(metrics, column)) for column in COLUMNS]
