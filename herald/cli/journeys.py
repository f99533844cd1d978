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
    as_json: JsonFlag = False,
) -> None:
    """Enter an endpoint (or a user) into the latest published version of a journey.

    Exits 1 when the entry is refused (already in, re-entry rules, the journey's state or
    schedule), saying why."""
    result = run(lambda c: c.enter(name, endpoint, user_id=user))
    who = result.endpoint_id
    if as_json:
        print_json(result.model_dump(mode="json"))
    elif result.refused:
        out.print(f"{who} did not enter {name}: {result.refused}", highlight=False)
    else:
        out.print(f"{who} entered {name} v{result.version} ({result.workflow_id})", highlight=False)
    if result.refused:
        raise typer.Exit(1)


@app.command("start")
def start(name: Name) -> None:
    """Start a segment-entry journey's walk of its segment (apply starts it too)."""
    workflow_id = run(lambda c: c.start_journey(name))
    out.print(f"{name}: segment entry running as {workflow_id}", highlight=False)


@app.command("publish")
def publish(
    files: Annotated[list[Path], typer.Argument(help="Journey definition files.")],
    as_json: JsonFlag = False,
) -> None:
    """Publish journeys live: a new immutable version for each one that changed, and a
    DRAFT (one applied with `state: DRAFT`) becomes ACTIVE."""
    results = run(lambda c: c.publish_files(files))
    if as_json:
        print_json([r.model_dump(mode="json") for r in results])
        return
    for result in results:
        out.print(result.describe(), highlight=False)


@app.command("list")
def list_(as_json: JsonFlag = False) -> None:
    """Published journeys with their latest version and state."""
    published = run(lambda c: c.journey_list())
    if as_json:
        print_json([p.model_dump(mode="json") for p in published])
        return
    table = Table("journey", "state", "version", "published", "steps", "description")
    for p in published:
        when = p.published_at.strftime("%Y-%m-%d %H:%M")
        steps = str(len(p.journey.steps))
        table.add_row(p.journey.name, p.state, str(p.version), when, steps, p.journey.description)
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


def _transition(name: str, action: str, as_json: bool) -> None:
    done = run(lambda c: c.journey_control(name, action))
    if as_json:
        print_json(done.model_dump(mode="json"))
        return
    note = f" ({done.note})" if done.note else ""
    out.print(
        f"{name}: {done.previous_state} -> {done.state}; "
        f"{done.signalled} participant(s) signalled{note}",
        highlight=False,
    )


@app.command("activate")
def activate(name: Name, as_json: JsonFlag = False) -> None:
    """Make a DRAFT journey ACTIVE: it admits participants (a segment walk starts)."""
    _transition(name, "activate", as_json)


@app.command("pause")
def pause(name: Name, as_json: JsonFlag = False) -> None:
    """Hold every participant before its next step (timers stop); refuse new entries."""
    _transition(name, "pause", as_json)


@app.command("resume")
def resume(name: Name, as_json: JsonFlag = False) -> None:
    """Let paused participants continue where they were."""
    _transition(name, "resume", as_json)


@app.command("close")
def close(name: Name, as_json: JsonFlag = False) -> None:
    """No new entries; participants already in finish (then the journey is COMPLETED)."""
    _transition(name, "close", as_json)


@app.command("cancel")
def cancel(name: Name, as_json: JsonFlag = False) -> None:
    """Stop every participant now."""
    _transition(name, "cancel", as_json)


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
