"""`herald segments ...`: list, show, count, members."""

from __future__ import annotations

import json
import sys
from typing import Annotated

import typer
import yaml
from rich.table import Table

from herald.audience.client import MembersPage
from herald.cli.common import JsonFlag, out, print_json, run
from herald.client import HeraldClient

app = typer.Typer(help="Segments: who a journey or campaign reaches.", no_args_is_help=True)

AllFlag = Annotated[
    bool, typer.Option("--all", help="Include opted-out and inactive endpoints (analysis).")
]
UsersFlag = Annotated[bool, typer.Option("--users", help="Distinct user ids, not endpoints.")]


@app.command("list")
def list_(as_json: JsonFlag = False) -> None:
    """Stored segments with their version."""
    found = run(lambda c: c.segments())
    if as_json:
        print_json([s.model_dump() for s in found])
        return
    table = Table("segment", "version", "type", "rules / members", "description")
    for s in found:
        size = str(s.imported_members) if s.imported_members is not None else str(s.rules)
        table.add_row(s.name, str(s.version), s.type, size, s.description)
    out.print(table)


@app.command("show")
def show(name: Annotated[str, typer.Argument()], as_json: JsonFlag = False) -> None:
    """A segment's definition, as it would be written in a file."""
    segment, version = run(lambda c: c.segment(name))
    document = segment.model_dump(mode="json", exclude_defaults=True) | {"kind": "Segment"}
    if as_json:
        print_json({"version": version, "definition": document})
        return
    out.print(f"# version {version}", highlight=False)
    sys.stdout.write(yaml.safe_dump(document, sort_keys=False))


@app.command("count")
def count(
    name: Annotated[str, typer.Argument()],
    include_all: AllFlag = False,
    users: UsersFlag = False,
    as_json: JsonFlag = False,
) -> None:
    """How many endpoints (or users) the segment reaches now."""
    found = run(lambda c: c.segment_count(name, include_unreachable=include_all, users=users))
    if as_json:
        what = "users" if users else "endpoints"
        print_json({"segment": name, what: found, "include_unreachable": include_all})
        return
    out.print(f"{found} {'users' if users else 'endpoints'}", highlight=False)


@app.command("members")
def members(
    name: Annotated[str, typer.Argument()],
    limit: Annotated[int, typer.Option(min=1, max=100_000, help="Page size.")] = 100,
    after: Annotated[str, typer.Option(help="Cursor: the last id of the previous page.")] = "",
    every: Annotated[bool, typer.Option("--every", help="Walk every page.")] = False,
    include_all: AllFlag = False,
    users: UsersFlag = False,
    as_json: JsonFlag = False,
) -> None:
    """Member ids, a page at a time in a stable order; --every walks all pages, printing as
    it goes (with --json, one JSON object per line)."""

    async def walk(client: HeraldClient) -> MembersPage:
        cursor = after
        while True:
            page = await client.segment_members(
                name, after=cursor, limit=limit, include_unreachable=include_all, users=users
            )
            if every:
                _emit(page, as_json)
            if page.next is None or not every:
                return page
            cursor = page.next

    page = run(walk)
    if every:
        return
    if as_json:
        print_json(page.model_dump())
        return
    _emit(page, False)
    if page.next is not None:
        out.print(f"# more: --after {page.next}", highlight=False, style="dim")


def _emit(page: MembersPage, as_json: bool) -> None:
    for member in page.ids:
        sys.stdout.write(json.dumps({"id": member}) + "\n" if as_json else member + "\n")
    sys.stdout.flush()
