"""`herald send`: a transactional message now, from flags or a request file (YAML or JSON)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
import yaml
from pydantic import ValidationError
from rich.table import Table

from herald.cli.common import JsonFlag, fail, key_values, out, print_json, run
from herald.client import HeraldClient
from herald.models.transactional import MessageRequest, MessageResponse
from herald.transactional.plan import MessageRequestError

Repeated = list[str] | None


def send(
    address: Annotated[
        Repeated, typer.Option(help="CHANNEL=ADDRESS, e.g. SMS=+15555550100.")
    ] = None,
    endpoint: Annotated[Repeated, typer.Option(help="Endpoint id; repeatable.")] = None,
    user: Annotated[Repeated, typer.Option(help="User id (all their endpoints).")] = None,
    template: Annotated[
        Repeated, typer.Option(help="CHANNEL=NAME or CHANNEL=NAME@VERSION.")
    ] = None,
    sub: Annotated[Repeated, typer.Option("--sub", help="KEY=VALUE substitution.")] = None,
    file: Annotated[Path | None, typer.Option(help="A request document (YAML or JSON).")] = None,
    request_id: Annotated[str | None, typer.Option(help="Repeat it to retry safely.")] = None,
    wait: Annotated[float, typer.Option(help="Seconds to wait for the results.")] = 10.0,
    as_json: JsonFlag = False,
) -> None:
    """Send a message now to addresses, endpoints or users; prints one result per recipient."""
    document = _document(file)
    document.setdefault("addresses", {}).update(
        {a: {"channel": c} for c, a in key_values("--address", address or [], "CHANNEL=ADDRESS")}
    )
    document.setdefault("endpoints", {}).update({e: {} for e in endpoint or []})
    document.setdefault("users", {}).update({u: {} for u in user or []})
    document.setdefault("templates", {}).update(
        {c: _ref(ref) for c, ref in key_values("--template", template or [], "CHANNEL=NAME")}
    )
    document.setdefault("substitutions", {}).update(dict(key_values("--sub", sub or [])))
    if request_id:
        document["request_id"] = request_id
    try:
        request = MessageRequest.model_validate(document)
    except ValidationError as exc:
        fail("; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors()))

    async def work(client: HeraldClient) -> MessageResponse:
        try:
            return await client.send_messages(request, wait=wait)
        except MessageRequestError as exc:
            fail(str(exc))

    _print(run(work), as_json)


def _document(file: Path | None) -> dict[str, Any]:
    if file is None:
        return {}
    try:
        loaded = yaml.safe_load(file.read_text())
    except (OSError, yaml.YAMLError) as exc:
        fail(f"{file}: {exc}")
    if not isinstance(loaded, dict):
        fail(f"{file}: expected a mapping (request_id, addresses, endpoints, users, ...)")
    return loaded


def _ref(ref: str) -> dict[str, Any]:
    name, _, version = ref.partition("@")
    if version and not version.isdigit():
        fail(f"--template {ref!r}: the version after '@' is a number")
    return {"name": name, "version": int(version)} if version else {"name": name}


def _print(response: MessageResponse, as_json: bool) -> None:
    if as_json:
        print_json(response.model_dump(mode="json"))
        return
    again = " (a repeat: nothing sent again)" if response.duplicate else ""
    out.print(f"request {response.request_id}: {response.state.value}{again}", highlight=False)
    table = Table("recipient", "kind", "channel", "endpoint", "status", "message id / reason")
    for r in response.results:
        channel = r.channel.value if r.channel else ""
        detail = r.reason or r.message_id or ""
        table.add_row(r.recipient, r.kind, channel, r.endpoint_id or "", r.status.value, detail)
    out.print(table)
