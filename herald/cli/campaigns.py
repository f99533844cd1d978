"""`herald campaigns ...`: list, status (with a live progress bar), pause, resume, cancel."""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Annotated

import typer
from rich.console import RenderableType
from rich.progress import BarColumn, Progress, TextColumn
from rich.table import Table
from rich.text import Text

from herald.campaigns.status import CampaignStatus, RunStatus
from herald.cli.common import JsonFlag, out, print_json, run
from herald.client import HeraldClient
from herald.models.campaign_run import FINISHED, CampaignState

app = typer.Typer(help="Campaigns: runs, progress and control.", no_args_is_help=True)
Name = Annotated[str, typer.Argument(help="Campaign name.")]
WATCH_EVERY = 1.0  # seconds between two looks at a watched run


@app.command("list")
def list_(as_json: JsonFlag = False) -> None:
    """Every campaign with its state and its latest run."""
    found = run(lambda c: c.campaigns())
    if as_json:
        print_json([s.model_dump(mode="json") for s in found])
        return
    table = Table("campaign", "state", "frequency", "segment", "last run", "sent", "remaining")
    for s in found:
        last = s.runs[0] if s.runs else None
        table.add_row(
            s.name,
            s.state.value,
            s.frequency,
            s.segment,
            last.run if last else "-",
            str(last.sent) if last else "-",
            str(last.remaining) if last else "-",
        )
    out.print(table)


@app.command("status")
def status(
    name: Name,
    as_json: JsonFlag = False,
    watch: Annotated[bool, typer.Option("--watch", help="Follow the latest run live.")] = False,
) -> None:
    """State and progress of recent runs: sent, skipped (with reasons), failed, remaining."""
    if watch:
        _watch(name)
        return
    found = run(lambda c: c.campaign_status(name))
    if as_json:
        print_json(found.model_dump(mode="json"))
        return
    _print(found)


def _print(found: CampaignStatus) -> None:
    out.print(f"{found.name}: {found.state.value} ({found.frequency})", highlight=False)
    table = Table("run", "state", "members", "holdout", "sent", "skipped", "failed", "remaining")
    for r in found.runs:
        table.add_row(
            r.run, r.state.value, *(str(n) for n in (r.members, r.holdout, r.sent)),
            str(r.skipped), str(r.failed), str(r.remaining),
        )  # fmt: skip
    out.print(table)
    for r in found.runs[:1]:
        for line in _reasons(r):
            out.print(line, highlight=False, soft_wrap=True)  # a reason on one line, for grep


def _watch(name: str) -> None:
    _print(run(lambda c: _follow(c, name)))


async def _follow(client: HeraldClient, name: str) -> CampaignStatus:
    """Show the latest run's progress until it is over (or the campaign is, with no run; a
    campaign scheduled anew has none until its first new run, earlier ones are history):
    a live bar on a terminal, a line per change elsewhere (a log, a pipe)."""
    view: _Bar | _Lines = _Bar(name) if out.is_terminal else _Lines(name)
    with view:
        while True:
            found = await client.campaign_status(name)
            view.show(found)
            latest = found.latest()
            if (latest.state if latest else found.state) in FINISHED:
                return found
            await asyncio.sleep(WATCH_EVERY)


def _reasons(r: RunStatus) -> list[str]:
    """Why the run failed, if it did, then why its endpoints were skipped."""
    failed = [f"  failed: {r.reason}"] if r.state is CampaignState.FAILED and r.reason else []
    return failed + [f"  skipped {n}: {why}" for why, n in sorted(r.skipped_reasons.items())]


class _Bar(Progress):
    """The run's bar and counts, then a line per reason its endpoints were skipped."""

    def __init__(self, name: str) -> None:
        self._name, self._reasons = name, Text()  # before Progress renders the first frame
        super().__init__(
            TextColumn("{task.description}"),
            BarColumn(),
            TextColumn("{task.completed}/{task.total}"),
            TextColumn("{task.fields[detail]}"),
            console=out,
        )
        self._task = self.add_task(name, total=None, detail="")

    def show(self, found: CampaignStatus) -> None:
        latest = found.latest()
        if latest is None:
            self.update(self._task, detail=f"{found.state.value}: no run yet")
            return
        done = latest.sent + latest.skipped + latest.failed
        self.update(
            self._task,
            total=done + latest.remaining,
            completed=done,
            description=f"{self._name} {latest.run}",
            detail=_detail(latest),
        )
        self._reasons = Text("\n".join(_reasons(latest)))

    def get_renderables(self) -> Iterable[RenderableType]:
        yield self.make_tasks_table(self.tasks)
        if self._reasons:
            yield self._reasons


class _Lines:
    """The same as `_Bar`, a line each time it changes."""

    def __init__(self, name: str) -> None:
        self._name, self._last = name, ""

    def __enter__(self) -> _Lines:
        return self

    def __exit__(self, *_: object) -> None:
        return None

    def show(self, found: CampaignStatus) -> None:
        latest = found.latest()
        if latest is None:
            text = f"{self._name}: {found.state.value}: no run yet"
        else:
            text = "\n".join([f"{self._name} {latest.run}: {_detail(latest)}", *_reasons(latest)])
        if text != self._last:
            out.print(text, highlight=False, soft_wrap=True)
            self._last = text


def _detail(r: RunStatus) -> str:
    rate = r.rate(datetime.now(UTC))
    if r.next_due is not None:
        eta = f"next due {r.next_due.isoformat()}"
    else:
        eta = f"ETA {r.remaining / rate:.0f}s" if rate > 0 and r.remaining else "ETA -"
    return (
        f"sent {r.sent}, skipped {r.skipped}, failed {r.failed}, remaining {r.remaining}, "
        f"{rate:.0f}/s, {eta} [{r.state.value}]"
    )


def _control(name: str, action: str, as_json: bool) -> None:
    done = run(lambda c: c.campaign_control(name, action))
    if as_json:  # as `herald journeys pause --json`: one object, the name and action first
        print_json({"campaign": name, "action": action, "done": done})
        return
    for line in done:
        out.print(line, highlight=False)
    out.print(f"{name}: {action} done", highlight=False)


@app.command("pause")
def pause(name: Name, as_json: JsonFlag = False) -> None:
    """Hold the running run between batches and pause the schedule."""
    _control(name, "pause", as_json)


@app.command("resume")
def resume(name: Name, as_json: JsonFlag = False) -> None:
    """Continue a paused campaign where it stopped."""
    _control(name, "resume", as_json)


@app.command("cancel")
def cancel(name: Name, as_json: JsonFlag = False) -> None:
    """Stop the campaign: the running run skips what it has not sent; no more runs."""
    _control(name, "cancel", as_json)


@app.command("run")
def run_now(
    name: Name, run_id: Annotated[str, typer.Option("--run", help="A new run id.")]
) -> None:
    """Start a run now, outside the schedule."""
    workflow_id = run(lambda c: c.start_run(name, run_id))
    out.print(f"{name}: run {run_id} started as {workflow_id}", highlight=False)
