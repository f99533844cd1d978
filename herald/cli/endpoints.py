"""`herald endpoints ...`: import files, put one, get, delete, a user's endpoints."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, Literal

import typer
from pydantic import ValidationError
from rich.progress import BarColumn, DownloadColumn, Progress, TimeRemainingColumn
from rich.table import Table

from herald.audience import ImportReport, RowProblem
from herald.cli.audience_run import parse_pairs
from herald.cli.common import JsonFlag, err, fail, labelled, out, print_json, run
from herald.models import Endpoint

app = typer.Typer(help="Endpoints and users: import, put, get, delete.", no_args_is_help=True)
SHOWN_PROBLEMS = 20


@app.command("import")
def import_(
    file: Annotated[Path, typer.Argument(help="CSV or newline-delimited JSON (Pinpoint's).")],
    file_format: Annotated[
        Literal["csv", "ndjson"] | None,
        typer.Option("--format", help="Default: from the suffix (.csv; .json .jsonl .ndjson)."),
    ] = None,
    segment: Annotated[
        str | None, typer.Option(help="Also make the file's rows this static segment.")
    ] = None,
    errors: Annotated[
        Path | None, typer.Option(help="Write every rejected row's line and reason here.")
    ] = None,
    as_json: JsonFlag = False,
) -> None:
    """Upsert every endpoint in FILE (by Id), reporting bad rows by line and keeping the good
    ones. Exits 2 when a row was rejected."""
    size = file.stat().st_size if file.exists() else 0
    sink = errors.open("w", encoding="utf-8") if errors else None
    shown = 0

    def problem(p: RowProblem) -> None:
        nonlocal shown
        if sink:
            sink.write(p.describe(str(file)) + "\n")
        if shown < SHOWN_PROBLEMS and not as_json:
            err.print(labelled("rejected:", p.describe(str(file))), highlight=False, soft_wrap=True)
        shown += 1

    with _progress(size, quiet=as_json) as (progress, task):
        report = run(
            lambda c: c.import_endpoints(
                file,
                file_format=file_format,
                segment=segment,
                on_problem=problem,
                on_progress=lambda done: progress.update(task, completed=done),
            )
        )
    if sink:
        sink.close()
    _print_report(report, as_json, errors)
    if report.rejected:
        raise typer.Exit(2)


class _progress:
    """A byte progress bar on stderr (none with --json or when stderr is not a terminal)."""

    def __init__(self, total: int, *, quiet: bool) -> None:
        self.bar = Progress(
            "[progress.description]{task.description}",
            BarColumn(),
            DownloadColumn(),
            TimeRemainingColumn(),
            console=err,
            transient=True,
            disable=quiet,
        )
        self.task = self.bar.add_task("importing", total=total or None)

    def __enter__(self) -> tuple[Progress, Any]:
        self.bar.start()
        return self.bar, self.task

    def __exit__(self, *_: object) -> None:
        self.bar.stop()


def _print_report(report: ImportReport, as_json: bool, errors: Path | None) -> None:
    if as_json:
        print_json(report.model_dump(mode="json"))
        return
    out.print(
        f"{report.imported} endpoints imported ({report.created} new, {report.updated} "
        f"changed, {report.unchanged} unchanged), {report.users} users updated, "
        f"{report.rejected} rows rejected",
        highlight=False,
        soft_wrap=True,
    )
    if report.rejected > SHOWN_PROBLEMS:
        more = f"; all of them are in {errors}" if errors else "; --errors FILE lists them all"
        err.print(
            f"... {report.rejected - SHOWN_PROBLEMS} more rejected rows{more}", soft_wrap=True
        )
    if report.segment:
        verb = "changed" if report.segment_changed else "unchanged"
        out.print(
            f"segment {report.segment} v{report.segment_version} {verb}: {report.members} members",
            highlight=False,
            soft_wrap=True,
        )


@app.command("put")
def put(
    endpoint_id: Annotated[str, typer.Option("--id", help="Endpoint id.")],
    channel: Annotated[str, typer.Option(help="EMAIL, SMS, VOICE, APNS, GCM, ...")],
    address: Annotated[str, typer.Option(help="Email, phone (E.164) or device token.")],
    user: Annotated[str | None, typer.Option(help="User id.")] = None,
    attr: Annotated[
        list[str] | None, typer.Option(help="KEY=VALUE; repeat a key for more.")
    ] = None,
    user_attr: Annotated[list[str] | None, typer.Option(help="KEY=VALUE user attribute.")] = None,
    metric: Annotated[list[str] | None, typer.Option(help="KEY=NUMBER.")] = None,
    country: Annotated[str | None, typer.Option(help="Location.Country (ISO code).")] = None,
    opt_out: Annotated[bool, typer.Option("--opt-out", help="OptOut ALL.")] = False,
) -> None:
    """Create or replace one endpoint."""
    document: dict[str, Any] = {
        "Id": endpoint_id,
        "ChannelType": channel,
        "Address": address,
        "Attributes": parse_pairs("--attr", attr or []),
        "Metrics": {k: v[-1] for k, v in parse_pairs("--metric", metric or []).items()},
        "OptOut": "ALL" if opt_out else "NONE",
    }
    if user:
        document["User"] = {
            "UserId": user,
            "UserAttributes": parse_pairs("--user-attr", user_attr or []),
        }
    if country:
        document["Location"] = {"Country": country}
    try:
        endpoint = Endpoint.model_validate(document)
    except ValidationError as exc:
        fail("; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors()))
    counts = run(lambda c: c.write_endpoints([endpoint]))
    verb = "created" if counts.created else "changed" if counts.updated else "unchanged"
    out.print(f"endpoint {endpoint.id} {verb} ({endpoint.address})", highlight=False)


@app.command("get")
def get(endpoint_id: Annotated[str, typer.Argument()], as_json: JsonFlag = False) -> None:
    """Show one endpoint with its user."""
    found = run(lambda c: c.get_endpoint(endpoint_id))
    if found is None:
        fail(f"endpoint {endpoint_id!r} does not exist")
    if as_json:
        print_json(found.model_dump(mode="json", by_alias=True, exclude_none=True))
        return
    out.print(_table([found]))


@app.command("delete")
def delete(endpoint_id: Annotated[str, typer.Argument()]) -> None:
    """Delete an endpoint (its events and messages stay as history)."""
    run(lambda c: c.delete_endpoint(endpoint_id))
    out.print(f"endpoint {endpoint_id} deleted", highlight=False)


@app.command("user")
def user_(user_id: Annotated[str, typer.Argument()], as_json: JsonFlag = False) -> None:
    """A user's endpoints."""
    found = run(lambda c: c.user_endpoints(user_id))
    if as_json:
        print_json([e.model_dump(mode="json", by_alias=True, exclude_none=True) for e in found])
        return
    out.print(_table(found))


@app.command("delete-user")
def delete_user(user_id: Annotated[str, typer.Argument()]) -> None:
    """Delete a user and every endpoint of theirs."""
    deleted = run(lambda c: c.delete_user(user_id))
    out.print(f"user {user_id} deleted with {len(deleted)} endpoints", highlight=False)


def _table(endpoints: list[Endpoint]) -> Table:
    table = Table("id", "channel", "address", "user", "opt-out", "status", "attributes")
    for e in endpoints:
        attributes = ", ".join(f"{k}={'|'.join(v)}" for k, v in e.attributes.items())
        table.add_row(
            e.id,
            e.channel_type.value,
            e.address,
            e.user_id or "",
            e.opt_out,
            e.endpoint_status,
            attributes,
        )
    return table
