"""`herald api-keys create|list|revoke`: keys for the HTTP management API."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from herald.auth.keys import Scope
from herald.cli.common import JsonFlag, fail, out, print_json, run

app = typer.Typer(help="API keys of the HTTP management API.", no_args_is_help=True)


@app.command()
def create(
    name: Annotated[str, typer.Argument(help="What the key is for, e.g. 'backend'.")],
    scope: Annotated[Scope, typer.Option(help="read: GET only; write: everything.")] = Scope.WRITE,
    json: JsonFlag = False,
) -> None:
    """Make a key. It is printed once: Herald keeps only its hash."""
    made = run(lambda herald: herald.create_api_key(name, scope))
    if json:
        print_json(made.model_dump(mode="json"))
        return
    out.print(f"API key {made.id} ({made.scope.value}) for {made.name!r}:", highlight=False)
    out.print(made.key, highlight=False, soft_wrap=True)
    out.print("Send it as `Authorization: Bearer <key>`; it is not shown again.", highlight=False)


@app.command("list")
def list_keys(json: JsonFlag = False) -> None:
    """Every key (never the secret): id, name, scope, created, revoked."""
    keys = run(lambda herald: herald.api_keys())
    if json:
        print_json([k.model_dump(mode="json") for k in keys])
        return
    table = Table("id", "name", "scope", "created", "revoked")
    for key in keys:
        revoked = key.revoked_at.isoformat(timespec="seconds") if key.revoked_at else ""
        created = key.created_at.isoformat(timespec="seconds")
        table.add_row(key.id, key.name, key.scope.value, created, revoked)
    out.print(table)


@app.command()
def revoke(
    key_id: Annotated[str, typer.Argument(help="The key's id (or the key itself).")],
) -> None:
    """Revoke a key: requests with it are refused from now on."""
    if not run(lambda herald: herald.revoke_api_key(key_id)):
        fail(f"no live API key {key_id!r}; `herald api-keys list` shows them")
    out.print(f"revoked {key_id}", highlight=False)
