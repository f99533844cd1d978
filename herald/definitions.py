"""Reading definition files (YAML or JSON, one or many documents) into validated models.

Every problem in a file is reported, each naming the file, the document, the field path and
what is allowed; a file with any problem yields nothing, so nothing from it is applied.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from herald.models import DEFINITION_ADAPTER, KINDS, Definition, EndpointDefinition
from herald.models.journey_graph import GRAPH_ERROR, document_graph_problems
from herald.models.journey_steps import STEP_TYPES
from herald.models.segment_rules import without_rule_tags
from herald.templates import template_problems

SUFFIXES = (".yaml", ".yml", ".json")


class _Loader(yaml.SafeLoader):
    """YAML as people write it (YAML 1.2 scalars): `2026-01-31` stays text, so models read
    dates themselves and an impossible date is reported on its field instead of failing the
    file; `on`, `off`, `yes`, `no` stay words (`op: on` is a segment rule's op, not True)."""


_DROPPED = {"tag:yaml.org,2002:timestamp", "tag:yaml.org,2002:bool"}
_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag not in _DROPPED]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)


class Definitions(list[Definition]):
    """Definitions as read, and where each was read: `sources[(kind, name)]` is "FILE:
    document N", so a problem the store finds after the field checks (an unknown template,
    say) names the file and document as theirs do. Keyed by name, so it survives copies."""

    def __init__(
        self,
        items: Iterable[Definition] = (),
        sources: Mapping[tuple[str, str], str] | None = None,
    ) -> None:
        super().__init__(items)
        self.sources: dict[tuple[str, str], str] = dict(sources or {})

    def take(self, other: Sequence[Definition]) -> None:
        self.extend(other)
        self.sources.update(other.sources if isinstance(other, Definitions) else {})


def located(
    definitions: Sequence[Definition], kind: str, name: object, problems: list[str]
) -> list[str]:
    """`problems` of the definition `kind` `name` (each starting "Kind 'name': "), led by
    its file and document when `definitions` knows them."""
    sources = definitions.sources if isinstance(definitions, Definitions) else {}
    where = sources.get((kind, str(name)))
    if where is None:
        return problems
    head = f"{kind} {name!r}"
    return [f"{where} ({head}): {p.removeprefix(f'{head}: ')}" for p in problems]


class DefinitionError(ValueError):
    """One or more problems in definition files; `problems` holds one line each.

    Raised by the field checks, it also carries what did pass them (`parsed`) and the journey
    documents that did not (`unparsed_journeys`), so the store's checks of those can be
    listed with it instead of on the next apply."""

    def __init__(
        self,
        problems: list[str],
        parsed: Definitions | None = None,
        unparsed_journeys: list[dict[str, Any]] | None = None,
    ) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems
        self.parsed = parsed if parsed is not None else Definitions()
        self.unparsed_journeys = unparsed_journeys or []


def load_files(paths: Iterable[Path]) -> Definitions:
    """Validate every file first; raise with all problems of all files, or return them all."""
    loaded = Definitions()
    problems: list[str] = []
    unparsed: list[dict[str, Any]] = []
    for path in expand(paths):
        try:
            loaded.take(load_file(path))
        except DefinitionError as exc:
            loaded.take(exc.parsed)
            unparsed += exc.unparsed_journeys
            problems += exc.problems
    if problems:
        raise DefinitionError(problems, loaded, unparsed)
    return loaded


def expand(paths: Iterable[Path]) -> list[Path]:
    """Files as given; a directory stands for its definition files, sorted."""
    out: list[Path] = []
    for path in paths:
        if path.is_dir():
            out += sorted(p for p in path.iterdir() if p.suffix in SUFFIXES)
        else:
            out.append(path)
    return out


def load_file(path: Path) -> Definitions:
    return validate_documents(_read(path), str(path))


def validate_documents(documents: list[Any], source: str) -> Definitions:
    """The same checks for documents that arrive over HTTP or from a script."""
    problems: list[str] = []
    out = Definitions()
    unparsed: list[dict[str, Any]] = []
    for index, document in enumerate(documents, start=1):
        where = f"{source}: document {index}"
        if not isinstance(document, dict):
            got = type(document).__name__
            problems.append(f"{where}: expected a mapping with `kind`, got {got}")
            continue
        try:
            definition = DEFINITION_ADAPTER.validate_python(document)
        except ValidationError as exc:
            problems += [f"{_describe(where, document)}: {p}" for p in _explain(exc, document)]
            if document.get("kind") == "Journey":  # the graph as well, on the steps that parsed
                found = document_graph_problems(document)
                problems += [f"{_describe(where, document)}: {p}" for p in found]
                unparsed.append(document)
                out.sources[("Journey", str(document.get("name")))] = where
            continue
        if definition.kind == "Template":  # syntax, filters and variables of every part
            found = template_problems(definition)
            problems += [f"{_describe(where, document)}: {p}" for p in found]
        out.append(definition)
        out.sources[(definition.kind, name_of(definition))] = where
    if problems:
        raise DefinitionError(problems, out, unparsed)
    return out


def name_of(definition: Definition) -> str:
    """What a problem calls a definition: its name (an endpoint's Id)."""
    return definition.id if isinstance(definition, EndpointDefinition) else definition.name


def _read(path: Path) -> list[Any]:
    if not path.exists():
        raise DefinitionError([f"{path}: no such file"])
    if path.suffix not in SUFFIXES:
        raise DefinitionError([f"{path}: unknown file type; allowed: {', '.join(SUFFIXES)}"])
    text = path.read_text(encoding="utf-8")
    try:
        if path.suffix == ".json":
            data = json.loads(text)
            return data if isinstance(data, list) else [data]
        return [d for d in yaml.load_all(text, Loader=_Loader) if d is not None]
    except json.JSONDecodeError as exc:
        raise DefinitionError([f"{path}: line {exc.lineno} column {exc.colno}: {exc.msg}"]) from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        at = f"line {mark.line + 1} column {mark.column + 1}: " if mark else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise DefinitionError([f"{path}: {at}{problem} (not valid YAML)"]) from exc


def _describe(where: str, document: dict[str, Any]) -> str:
    kind, name = (
        document.get("kind"),
        document.get("name") or document.get("Id") or document.get("id"),
    )
    if kind in KINDS and name:
        return f"{where} ({kind} {name!r})"
    return where


def _explain(exc: ValidationError, document: dict[str, Any]) -> list[str]:
    tags = {document.get("kind"), document.get("channel")} - {None}
    lines = []
    for error in exc.errors(include_url=False):
        if error["type"] == GRAPH_ERROR:
            continue  # the caller lists them one a line, with those of a journey that failed
        path = [str(p) for p in error["loc"]]
        while path and path[0] in tags | {"function-after[_needs_a_body(), EmailTemplate]"}:
            path.pop(0)
        path = without_rule_tags(_without_step_tags(path))
        field = ".".join(path) or "(document)"
        message = error["msg"]
        if error["type"] == "union_tag_not_found" and not path:
            field, message = "kind", f"missing; allowed: {', '.join(KINDS)}"
        elif error["type"] == "union_tag_not_found":
            message = f"missing `{error['ctx']['discriminator'].strip(chr(39))}`"
        lines.append(f"{field}: {message.removeprefix('Value error, ')}")
    return lines


def _without_step_tags(path: list[str]) -> list[str]:
    """pydantic puts the union tag after `steps.<id>` (steps.nap.wait.duration); users wrote
    steps.nap.duration."""
    return [
        part
        for i, part in enumerate(path)
        if not (i >= 2 and path[i - 2] == "steps" and part in STEP_TYPES)
    ]
