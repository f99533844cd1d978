"""`herald journeys ...`: participants and the journey lifecycle."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from herald.cli.common import JsonFlag, key_values, out, print_json, run

app = typer.Typer(help="Journeys, their participants and lifecycle.", no_args_is_help=True)
Name = Annotated[str, typer.Argument(help="Journey name.")]


@app.command("enter")
def enter(
    name: Name,
    endpoint: Annotated[str | None, typer.Option(help="Endpoint id.")] = None,
    user: Annotated[
        str | None, typer.Option(help="User id, for journeys whose participants are users.")
    ] = None,
) -> None:
    """Enter an endpoint (or a user) into the latest published version of a journey."""
    result = run(lambda c: c.enter(name, endpoint, user_id=user))
    who = result.endpoint_id
    if result.refused:
        out.print(f"{who} did not enter {name}: {result.refused}", highlight=False)
        return
    out.print(f"{who} entered {name} v{result.version} ({result.workflow_id})", highlight=False)


@app.command("start")
def start(name: Name) -> None:
    """Start a segment-entry journey's walk of its segment (apply starts it too)."""
    workflow_id = run(lambda c: c.start_journey(name))
    out.print(f"{name}: segment entry running as {workflow_id}", highlight=False)


@app.command("publish")
def publish(
    files: Annotated[list[Path], typer.Argument(help="Journey definition files.")],
) -> None:
    """Publish journeys (a new immutable version for each one that changed)."""
    for result in run(lambda c: c.apply_files(files)):
        out.print(result.describe(), highlight=False)


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


@app.command("status")
def status(name: Name, as_json: JsonFlag = False) -> None:
    """State, participants per step and per outcome."""
    found = run(lambda c: c.journey_status(name))
    if as_json:
        print_json(found.model_dump(mode="json"))
        return
    out.print(
        f"{found.journey} v{found.latest_version}: {found.state}, entered {found.entered}, "
        f"running {found.running}, finished {found.finished}",
        highlight=False,
    )
    table = Table("step", "waiting here")
    for step, count in sorted(found.at_step.items()):
        table.add_row(step, str(count))
    out.print(table)
    if found.outcomes:
        finished = Table("outcome", "participants")
        for outcome, count in sorted(found.outcomes.items()):
            finished.add_row(outcome, str(count))
        out.print(finished)


def _transition(name: str, action: str) -> None:
    signalled = run(lambda c: c.journey_transition(name, action))
    out.print(f"{name}: {action} done; {signalled} participant(s) signalled", highlight=False)


@app.command("pause")
def pause(name: Name) -> None:
    """Hold every participant before its next step (timers stop); refuse new entries."""
    _transition(name, "pause")


@app.command("resume")
def resume(name: Name) -> None:
    """Let paused participants continue where they were."""
    _transition(name, "resume")


@app.command("close")
def close(name: Name) -> None:
    """No new entries; participants already in finish."""
    _transition(name, "close")


@app.command("cancel")
def cancel(name: Name) -> None:
    """Stop every participant now."""
    _transition(name, "cancel")


@app.command("migrate")
def migrate(
    name: Name,
    to: Annotated[int, typer.Option("--to", help="Target version.")],
    mapping: Annotated[
        list[str] | None, typer.Option("--map", help="OLD_STEP=NEW_STEP; repeatable.")
    ] = None,
) -> None:
    """Move waiting participants onto a newer version at mapped steps."""
    step_map = dict(key_values("--map", mapping or [], "OLD_STEP=NEW_STEP"))
    moved = run(lambda c: c.migrate(name, to, step_map))
    out.print(f"{name}: {moved} participant(s) moving to v{to}", highlight=False)
