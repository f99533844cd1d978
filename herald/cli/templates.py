"""`herald templates ...`: list, show, versions, activate, render."""

from __future__ import annotations

from typing import Annotated, Any

import typer
import yaml
from rich.table import Table

from herald.cli.common import JsonFlag, fail, key_values, out, print_json, run
from herald.client import HeraldClient
from herald.models import RenderedMessage, RenderPreview, Template
from herald.templates import TemplateRenderError

app = typer.Typer(help="Message templates and their versions.", no_args_is_help=True)

Name = Annotated[str, typer.Argument(help="Template name.")]
VersionOption = Annotated[
    int | None, typer.Option("--version", min=1, help="This version, not the active one.")
]


@app.command("list")
def list_(as_json: JsonFlag = False) -> None:
    """Templates with their active and latest versions."""
    templates = run(lambda c: c.templates())
    if as_json:
        print_json([t.model_dump(mode="json") for t in templates])
        return
    table = Table("template", "channel", "active", "latest", "updated", "description")
    for t in templates:
        updated = t.updated_at.strftime("%Y-%m-%d %H:%M")
        active, latest = str(t.active_version), str(t.latest_version)
        table.add_row(t.name, t.channel, active, latest, updated, t.description)
    out.print(table)


@app.command("show")
def show(name: Name, version: VersionOption = None, as_json: JsonFlag = False) -> None:
    """A template's definition, at its active version or --version."""
    found = run(lambda c: c.template(name, version))
    if as_json:
        print_json(found.model_dump(mode="json"))
        return
    state = "active" if found.active else "not active"
    out.print(f"# {name} version {found.version} ({state})", highlight=False)
    document = found.template.model_dump(mode="json", exclude_defaults=True)
    out.print(yaml.safe_dump({"kind": "Template", **document}, sort_keys=False), highlight=False)


@app.command("versions")
def versions(name: Name, as_json: JsonFlag = False) -> None:
    """Every stored version of a template; the active one is marked."""
    found = run(lambda c: c.template_versions(name))
    if as_json:
        print_json([v.model_dump(mode="json") for v in found])
        return
    table = Table("version", "active", "created", "summary")
    for v in found:
        created = v.created_at.strftime("%Y-%m-%d %H:%M")
        table.add_row(str(v.version), "*" if v.active else "", created, _summary(v.template))
    out.print(table)


@app.command("activate")
def activate(
    name: Name, version: Annotated[int, typer.Argument(min=1, help="Version to make active.")]
) -> None:
    """Make a stored version the one sends use (e.g. roll back). Lasts until the template's
    definition is changed and applied again."""
    previous = run(lambda c: c.activate_template(name, version))
    if previous == version:
        out.print(f"template {name}: version {version} was already active", highlight=False)
    else:
        out.print(f"template {name}: version {version} active (was {previous})", highlight=False)


@app.command("render")
def render(
    name: Name,
    endpoint: Annotated[str, typer.Option(help="Endpoint id to render for.")],
    version: VersionOption = None,
    sub: Annotated[
        list[str] | None, typer.Option("--sub", help="KEY=VALUE substitution; repeatable.")
    ] = None,
    journey: Annotated[str | None, typer.Option(help="Render as this journey's --step.")] = None,
    step: Annotated[str | None, typer.Option(help="Send step id in --journey.")] = None,
    as_json: JsonFlag = False,
) -> None:
    """Preview the exact message a template makes for an endpoint."""
    substitutions = dict(key_values("--sub", sub or []))

    async def work(client: HeraldClient) -> RenderPreview:
        try:
            return await client.render_template(
                name,
                endpoint,
                version=version,
                substitutions=substitutions,
                journey=journey,
                step=step,
            )
        except TemplateRenderError as exc:
            fail(str(exc))

    preview = run(work)
    if as_json:
        print_json(preview.model_dump(mode="json"))
        return
    title = f"{preview.channel} template {preview.template} v{preview.version}"
    out.print(f"# {title} for {preview.endpoint_id} <{preview.address}>", highlight=False)
    out.print(_describe(preview.content), highlight=False, markup=False)


def _summary(template: Template) -> str:
    """The first line of the part a person recognises a version by."""
    for part in ("subject", "title", "header", "body", "ssml"):
        text = getattr(template, part, None)
        if isinstance(text, str) and text.strip():
            return text.strip().splitlines()[0][:60]
    return ""


def _describe(content: RenderedMessage) -> str:
    """Flat parts first, one per line (long ones under a heading), then channel options."""
    data: dict[str, Any] = content.model_dump(mode="json", exclude_defaults=True)
    lines: list[str] = []
    for part in ("subject", "title", "from_address", "reply_to", "headers"):
        if part in data:
            lines.append(f"{part}: {data.pop(part)}")
    for part in ("text", "html", "body"):
        if part in data:
            lines += [f"--- {part}", str(data.pop(part)).rstrip("\n")]
    options = {k: v for k, v in data.items() if v != {}}
    if options:
        separator = ["---"] if lines else []
        lines += [*separator, yaml.safe_dump(options, sort_keys=False, allow_unicode=True).rstrip()]
    return "\n".join(lines)
