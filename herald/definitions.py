"""Reading definition files (YAML or JSON, one or many documents) into validated models.

Every problem in a file is reported, each naming the file, the document, the field path and
what is allowed; a file with any problem yields nothing, so nothing from it is applied.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from pydantic_core import ErrorDetails

from herald.definition_files import SUFFIXES, UnreadableFile, read_documents
from herald.models import DEFINITION_ADAPTER, KINDS, Definition, EndpointDefinition
from herald.models.journey_graph import GRAPH_ERROR, document_graph_problems
from herald.models.journey_steps import STEP_TYPES
from herald.models.segment_rules import without_rule_tags
from herald.templates import template_problems
from herald.unknown_fields import unknown_field


class Definitions(list[Definition]):
    """Definitions as read, and where each was read: `sources[(kind, name)]` is "FILE:
    document N", so a problem the store finds after the field checks (an unknown template,
    say) names the file and document as theirs do. Keyed by name, so it survives copies.
    Documents that failed those checks are in `sources` too, so a repeat of one is found."""

    def __init__(
        self,
        items: Iterable[Definition] = (),
        sources: Mapping[tuple[str, str], str] | None = None,
    ) -> None:
        super().__init__(items)
        self.sources: dict[tuple[str, str], str] = dict(sources or {})

    def take(self, other: Sequence[Definition]) -> list[str]:
        """Add `other`, but not what is here already: a problem for each such repeat,
        naming both places. Applied twice in a row, the later would silently replace the
        earlier (an endpoint's document too: endpoints are stored whole, by Id)."""
        theirs = other.sources if isinstance(other, Definitions) else {}
        repeated = {key: where for key, where in theirs.items() if key in self.sources}
        self.extend(d for d in other if (d.kind, name_of(d)) not in repeated)
        for key, where in theirs.items():
            self.sources.setdefault(key, where)
        return [_repeat(key, where, self.sources[key]) for key, where in repeated.items()]


def _repeat(key: tuple[str, str], where: str, first: str) -> str:
    kind, name = key
    field = "Id" if kind == "Endpoint" else "name"
    return (
        f"{where} ({kind} {name!r}): {field}: also defined in {first}; one apply takes each "
        f"{kind} once: remove one of them, or change its {field}"
    )


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
            found, own, fresh = load_file(path), [], []
        except DefinitionError as exc:
            found, own = exc.parsed, exc.problems
            fresh = [j for j in exc.unparsed_journeys if _key(j) not in loaded.sources]
        problems += loaded.take(found) + own  # a repeat first, as within one file
        unparsed += fresh
    if problems:
        raise DefinitionError(problems, loaded, unparsed)
    return loaded


def expand(paths: Iterable[Path]) -> list[Path]:
    """Files as given, each once; a directory stands for its definition files, sorted.
    A file named twice (`herald apply journeys journeys/welcome.yaml`) is read once, so its
    definitions do not count as repeated."""
    out: dict[Path, Path] = {}
    for path in paths:
        for file in _files(path):
            out.setdefault(file.resolve(), file)
    return list(out.values())


def _files(path: Path) -> list[Path]:
    if path.is_dir():
        return sorted(p for p in path.iterdir() if p.suffix in SUFFIXES)
    return [path]


def load_file(path: Path) -> Definitions:
    try:
        documents = read_documents(path)
    except UnreadableFile as exc:
        raise DefinitionError(exc.problems) from None
    return _validate(documents, str(path))


def validate_documents(documents: list[Any], source: str) -> Definitions:
    """The same checks for documents that arrive over HTTP or from a script."""
    return _validate(enumerate(documents, start=1), source)


def _validate(documents: Iterable[tuple[int, Any]], source: str) -> Definitions:
    """Each document (with its number in the source) checked; all problems raised at once."""
    problems: list[str] = []
    out = Definitions()
    unparsed: list[dict[str, Any]] = []
    for index, document in documents:
        where = f"{source}: document {index}"
        if not isinstance(document, dict):
            got = type(document).__name__
            problems.append(f"{where}: expected a mapping with `kind`, got {got}")
            continue
        definition, found = _check(document, where)
        key = _key(document)
        one = Definitions([] if definition is None else [definition], {key: where} if key else {})
        repeated = out.take(one)
        problems += repeated + found
        if definition is None and document.get("kind") == "Journey" and not repeated:
            unparsed.append(document)  # the store checks its steps and entry as well
    if problems:
        raise DefinitionError(problems, out, unparsed)
    return out


def _check(document: dict[str, Any], where: str) -> tuple[Definition | None, list[str]]:
    """The document as a definition (None if it is not one), and its problems."""
    described = _describe(where, document)
    try:
        definition = DEFINITION_ADAPTER.validate_python(document)
    except ValidationError as exc:
        found = _explain(exc, document)
        if document.get("kind") == "Journey":  # the graph as well, on the steps that parsed
            found += document_graph_problems(document)
        return None, [f"{described}: {p}" for p in found]
    # A template's syntax, filters and variables of every part.
    found = template_problems(definition) if definition.kind == "Template" else []
    return definition, [f"{described}: {p}" for p in found]


def _key(document: dict[str, Any]) -> tuple[str, str] | None:
    """What a document defines, valid or not: its kind and name (an endpoint's Id), as
    `Definitions.sources` keys it; None when it says neither."""
    kind = document.get("kind")
    name = (
        (document.get("Id") or document.get("id")) if kind == "Endpoint" else document.get("name")
    )
    return (kind, str(name)) if kind in KINDS and name is not None else None


def name_of(definition: Definition) -> str:
    """What a problem calls a definition: its name (an endpoint's Id)."""
    return definition.id if isinstance(definition, EndpointDefinition) else definition.name


def _describe(where: str, document: dict[str, Any]) -> str:
    kind, name = (
        document.get("kind"),
        document.get("name") or document.get("Id") or document.get("id"),
    )
    if kind in KINDS and name:
        return f"{where} ({kind} {name!r})"
    return where


def _explain(exc: ValidationError, document: dict[str, Any]) -> list[str]:
    # Only words can be tags: `kind: [Journey]` is a list, reported below, not a tag.
    tags = {t for t in (document.get("kind"), document.get("channel")) if isinstance(t, str)}
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
            message = f"missing `{_discriminator(error)}`"
        elif error["type"] == "union_tag_invalid" and not isinstance(_tag(error), str):
            field, message = _not_a_word(error, path)
        elif error["type"] == "extra_forbidden":
            message = unknown_field(Definition, error["loc"]) or message
        lines.append(f"{field}: {message.removeprefix('Value error, ')}")
    return lines


def _discriminator(error: ErrorDetails) -> str:
    return str(error["ctx"]["discriminator"]).strip("'")


def _tag(error: ErrorDetails) -> object:
    """What the document gave as the union's tag (`kind`, `channel`, a step's `type`)."""
    given = error["input"]
    return given.get(_discriminator(error)) if isinstance(given, dict) else None


_SHAPES: dict[type, str] = {list: "a list", dict: "a mapping"}


def _not_a_word(error: ErrorDetails, path: list[str]) -> tuple[str, str]:
    """Field and message for a tag that is a list or a mapping, not one of the words."""
    allowed = str(error["ctx"]["expected_tags"]).replace("'", "")
    given = _tag(error)
    got = _SHAPES.get(type(given), repr(given))
    field = ".".join([*path, _discriminator(error)])
    return field, f"expected one word, got {got}; allowed: {allowed}"


def _without_step_tags(path: list[str]) -> list[str]:
    """pydantic puts the union tag after `steps.<id>` (steps.nap.wait.duration); users wrote
    steps.nap.duration."""
    return [
        part
        for i, part in enumerate(path)
        if not (i >= 2 and path[i - 2] == "steps" and part in STEP_TYPES)
    ]
