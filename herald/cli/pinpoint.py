"""`herald pinpoint import`: bring Pinpoint resources over as Herald definitions."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer
import yaml

from herald.cli.common import JsonFlag, err, fail, labelled, out, print_json, run
from herald.definitions import Definitions, name_of
from herald.models import Journey
from herald.pinpoint import PinpointImportError, translate
from herald.pinpoint.journey_parts import resource_name

app = typer.Typer(help="Import resources exported from Amazon Pinpoint.", no_args_is_help=True)


@app.command("import")
def import_(
    file: Annotated[Path, typer.Argument(help="Pinpoint request JSON (e.g. WriteSegmentRequest).")],
    kind: Annotated[str, typer.Option(help="What the file holds, e.g. segment, email-template.")],
    name: Annotated[
        str | None,
        typer.Option(help="Name of the Herald resource to create; default: the file's Name."),
    ] = None,
    out_file: Annotated[
        Path | None, typer.Option("--out", help="Write Herald YAML here instead of applying.")
    ] = None,
    as_json: JsonFlag = False,
) -> None:
    """Translate a Pinpoint resource and apply it (or write it out with --out)."""
    document = _read(file)
    try:
        definitions = translate(kind, document, name or _name_in(document))
    except PinpointImportError as exc:
        _refuse(file, str(exc).splitlines())
    if out_file is not None:
        docs = [
            d.model_dump(mode="json", by_alias=True, exclude_defaults=True) for d in definitions
        ]
        for doc, definition in zip(docs, definitions, strict=True):
            doc["kind"] = definition.kind
            if isinstance(definition, Journey) and definition.state == "DRAFT":
                doc["state"] = "DRAFT"  # not part of a version's dump, but of the file's
        out_file.write_text(yaml.safe_dump_all(docs, sort_keys=False))
        out.print(f"wrote {len(docs)} definition(s) to {out_file}", highlight=False)
        return
    # Located, so a problem the store finds (a template not imported yet) names the file too.
    sources: dict[tuple[str, str], str] = {(d.kind, name_of(d)): str(file) for d in definitions}
    results = run(lambda c: c.apply(Definitions(definitions, sources)))
    if as_json:
        print_json([r.model_dump() for r in results])
        return
    for result in results:
        out.print(result.describe(), highlight=False)


def _read(file: Path) -> Any:
    """The file's JSON (UTF-8, or UTF-16/32 with a BOM as Windows shells write it)."""
    if file.is_dir():
        fail(f"{file}: is a directory; give the JSON file of one Pinpoint request")
    try:
        raw = file.read_bytes()
    except FileNotFoundError:
        fail(f"{file}: no such file")
    except OSError as exc:
        fail(f"{file}: cannot be read: {exc.strerror or exc}")
    try:
        return json.loads(raw)  # bytes: json detects UTF-8, -16 or -32 itself
    except UnicodeDecodeError as exc:
        byte = f"byte {exc.start} (0x{exc.object[exc.start]:02x})"
        fail(f"{file}: {byte} is not {exc.encoding.upper()}; save the file as UTF-8")
    except json.JSONDecodeError as exc:
        fail(f"{file}: line {exc.lineno} column {exc.colno}: {exc.msg}")


def _refuse(file: Path, problems: list[str]) -> NoReturn:
    """Every problem of the file, each naming it, then exit 2 as `fail` does."""
    *first, last = problems or ["cannot be translated"]
    for problem in first:
        err.print(labelled("error:", f"{file}: {problem}"), highlight=False, soft_wrap=True)
    fail(f"{file}: {last}")


def _name_in(document: object) -> str:
    """The request's own Name as a Herald name (Welcome Series -> welcome-series): the
    request's, or that of the request in the wrapper the AWS CLI prints or takes around it
    (`{"JourneyResponse": {...}}`, `{"ApplicationId": ..., "WriteJourneyRequest": {...}}`)."""
    for path, request in _requests(document):
        given = request.get("Name")
        if isinstance(given, str) and given.strip():
            return resource_name(given, f"{path}.Name")
    raise PinpointImportError("$.Name: absent; give the Herald name with --name")


def _requests(document: object) -> list[tuple[str, dict[str, Any]]]:
    """`document`, then each object in it under a shape's name (`...Request`, `...Response`),
    with their JSON paths; the translator checks which of them is the request."""
    if not isinstance(document, dict):
        return []
    wrapped = [
        (f"$.{key}", value)
        for key, value in document.items()
        if key.endswith(("Request", "Response")) and isinstance(value, dict)
    ]
    return [("$", document), *wrapped]
