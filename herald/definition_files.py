"""Reading a definition file (YAML or JSON) into its documents, numbered as in the file.

What cannot be read is refused here, naming the file and the line: text that is not UTF-8,
malformed YAML or JSON, and a key given twice in one mapping, which YAML and JSON parsers
would otherwise settle by silently keeping the last value.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any, NamedTuple

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode

SUFFIXES = (".yaml", ".yml", ".json")
_MERGE = "tag:yaml.org,2002:merge"


class UnreadableFile(ValueError):
    """A definition file that yields no documents; `problems` holds one line each."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


class Repeat(NamedTuple):
    """A key given again in one mapping; lines and columns count from 1."""

    line: int
    column: int
    key: object
    first_line: int

    def describe(self, path: Path, container: str) -> str:
        return (
            f"{path}: line {self.line} column {self.column}: duplicate key {self.key!r} "
            f"(first on line {self.first_line}); a key may appear once in {container}, "
            "or the earlier value would be lost"
        )


def read_documents(path: Path) -> list[tuple[int, Any]]:
    """The documents of `path`, each with its number in the file. An empty YAML document
    (only a comment, say) keeps its number but is left out: there is nothing in it to apply,
    and counting it keeps "document N" the Nth of the file, as its author counts."""
    if not path.exists():
        raise UnreadableFile([f"{path}: no such file"])
    if path.suffix not in SUFFIXES:
        raise UnreadableFile([f"{path}: unknown file type; allowed: {', '.join(SUFFIXES)}"])
    text = _text(path)
    if path.suffix == ".json":
        return _json_documents(path, text)
    return [(n, d) for n, d in enumerate(_yaml_documents(path, text), start=1) if d is not None]


def _text(path: Path) -> str:
    try:
        data = path.read_bytes()
    except OSError as exc:  # permissions, a directory named like a file, a file gone since
        raise UnreadableFile([f"{path}: cannot be read: {exc.strerror or exc}"]) from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        byte = data[exc.start]
        raise UnreadableFile(
            [f"{path}: line {line}: byte 0x{byte:02x} is not UTF-8; save the file as UTF-8"]
        ) from None
    # A byte order mark ("UTF-8 with BOM", as Notepad saves) says only that the file is
    # UTF-8: skipped, as YAML's parser does, so that JSON's does not refuse the file.
    text = text.removeprefix("\ufeff")
    # Universal newlines, as `read_text` gives them: lines and text as they always were.
    return text.replace("\r\n", "\n").replace("\r", "\n")


class _Loader(yaml.SafeLoader):
    """YAML as people write it (YAML 1.2 scalars): `2026-01-31` stays text, so models read
    dates themselves and an impossible date is reported on its field instead of failing the
    file; `on`, `off`, `yes`, `no` stay words (`op: on` is a segment rule's op, not True).
    A key repeated in one mapping is noted in `repeated` instead of replacing the first."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self.repeated: list[Repeat] = []
        self._checked: set[Node] = set()

    def flatten_mapping(self, node: MappingNode) -> None:
        # A merge (`<<: *base`) rewrites a mapping's pairs, and its own keys may override
        # merged ones; so its own keys are taken once, before any merge has touched them.
        own = [] if node in self._checked else [k for k, _ in node.value if k.tag != _MERGE]
        self._checked.add(node)
        super().flatten_mapping(node)  # also gives `=` keys the str tag they are built with
        self._note_repeats(own)

    def _note_repeats(self, keys: list[Node]) -> None:
        first: dict[Any, Node] = {}
        for node in keys:
            if not isinstance(node, ScalarNode):
                continue  # a list or mapping as a key: PyYAML refuses it itself
            key = self.construct_object(node)
            if key in first:
                line = first[key].start_mark.line + 1
                mark = node.start_mark
                self.repeated.append(Repeat(mark.line + 1, mark.column + 1, key, line))
            else:
                first[key] = node


_DROPPED = {"tag:yaml.org,2002:timestamp", "tag:yaml.org,2002:bool"}
_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag not in _DROPPED]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)


def _yaml_documents(path: Path, text: str) -> list[Any]:
    """Every document, empty ones (None) included so the others keep their numbers."""
    loader = _Loader(text)
    documents: list[Any] = []
    try:
        while loader.check_node():  # what `check_data` asks, typed
            documents.append(loader.get_data())
    except yaml.YAMLError as exc:
        raise UnreadableFile([*_repeats(path, loader), _yaml_problem(path, exc)]) from exc
    finally:
        loader.dispose()
    if loader.repeated:
        raise UnreadableFile(_repeats(path, loader))
    return documents


def _repeats(path: Path, loader: _Loader) -> list[str]:
    # Noted as mappings are built, which is not top to bottom: put them in file order.
    return [r.describe(path, "a mapping") for r in sorted(loader.repeated)]


def _yaml_problem(path: Path, exc: yaml.YAMLError) -> str:
    mark = getattr(exc, "problem_mark", None)
    at = f"line {mark.line + 1} column {mark.column + 1}: " if mark else ""
    problem = getattr(exc, "problem", None) or str(exc)
    return f"{path}: {at}{problem} (not valid YAML)"


def _json_documents(path: Path, text: str) -> list[tuple[int, Any]]:
    repeated = False

    def keep_pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        nonlocal repeated
        found = dict(pairs)
        repeated = repeated or len(found) < len(pairs)
        return found

    try:
        data = json.loads(text, object_pairs_hook=keep_pairs)
    except json.JSONDecodeError as exc:
        raise UnreadableFile([f"{path}: line {exc.lineno} column {exc.colno}: {exc.msg}"]) from exc
    if repeated:  # the parser does not say where keys are, so look for them only now
        raise UnreadableFile([r.describe(path, "an object") for r in json_repeats(text)])
    return list(enumerate(data if isinstance(data, list) else [data], start=1))


_JSON_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|[{}\[\],:]')


def json_repeats(text: str) -> list[Repeat]:
    """The keys repeated in an object of `text`, valid JSON. Only strings and punctuation
    matter: a string right after `{` or `,` inside an object is a key."""
    objects: list[dict[str, int] | None] = []  # open containers; an object's keys -> offsets
    found: list[Repeat] = []
    previous = ""
    for token in _JSON_TOKEN.finditer(text):
        mark = token.group()
        if mark in ("{", "["):
            objects.append({} if mark == "{" else None)
        elif mark in ("}", "]"):
            objects.pop()
        elif mark[0] == '"' and previous in ("{", ",") and objects and objects[-1] is not None:
            keys, key = objects[-1], json.loads(mark)
            if key in keys:
                line, column = _line_column(text, token.start())
                found.append(Repeat(line, column, key, _line_column(text, keys[key])[0]))
            else:
                keys[key] = token.start()
        previous = mark[0]
    return found


def _line_column(text: str, offset: int) -> tuple[int, int]:
    return text.count("\n", 0, offset) + 1, offset - text.rfind("\n", 0, offset)
