"""Reading Pinpoint's Handlebars templates: text and mustaches, and the expressions inside.

Only what a translation needs: `{{x}}`, `{{{x}}}`, `{{& x}}`, comments, blocks (`{{#h}}`,
`{{else}}`, `{{/h}}`), `~` whitespace control, paths (`User.UserAttributes.[First Name]`,
`this`, `../x`, `@index`), literals and `(sub expressions)`. Partials, raw blocks, decorators
and hash arguments are reported, never dropped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field


class HandlebarsError(ValueError):
    """Handlebars that cannot be read or translated, at a line and column (1-based)."""

    def __init__(self, message: str, line: int, column: int) -> None:
        super().__init__(f"line {line} column {column}: {message}")
        self.message, self.line, self.column = message, line, column


@dataclass
class Text:
    text: str


@dataclass
class Mustache:
    kind: str  # "value", "raw" (unescaped), "open", "close", "else", "comment"
    body: str  # the expression, without braces, sigil and `~`
    line: int
    column: int
    strip_before: bool = False  # `{{~`
    strip_after: bool = False  # `~}}`


@dataclass
class Literal:
    jinja: str


@dataclass
class Path:
    segments: list[str]
    ups: int = 0  # `../` count
    this: bool = False  # starts with `this` (or `.`)
    data: bool = False  # `@index`, `@root.x`: segments[0] names the data variable


@dataclass
class Hash:
    """`key=value`: Herald translates no helper that takes one; kept to name it in errors."""

    text: str


@dataclass
class Call:
    helper: str
    args: list[Expr] = field(default_factory=list)


Expr = Literal | Path | Call | Hash
Segment = Text | Mustache

_BLOCK_LIKE = frozenset({"open", "close", "else", "comment"})


def _position(source: str, offset: int) -> tuple[int, int]:
    line = source.count("\n", 0, offset) + 1
    return line, offset - (source.rfind("\n", 0, offset) + 1) + 1


def scan(source: str) -> list[Segment]:
    """Split a template into text and mustaches, in order."""
    out: list[Segment] = []
    text_start, i = 0, 0
    while (i := source.find("{{", i)) >= 0:
        if i > 0 and source[i - 1] == "\\":  # `\{{x}}` is the literal text `{{x}}`
            end = source.find("}}", i)
            out.append(Text(source[text_start : i - 1]))
            text_start = i
            i = end + 2 if end >= 0 else len(source)
            continue
        out.append(Text(source[text_start:i]))
        mustache, i = _mustache(source, i)
        out.append(mustache)
        text_start = i
    out.append(Text(source[text_start:]))
    _strip_standalone(out)
    return [s for s in out if not isinstance(s, Text) or s.text]


def _mustache(source: str, start: int) -> tuple[Mustache, int]:
    line, column = _position(source, start)
    if source.startswith("{{{{", start):
        raise HandlebarsError("raw blocks ({{{{raw}}}}) have no translation", line, column)
    if source.startswith("{{!--", start) or source.startswith("{{~!--", start):
        end = source.find("--", source.find("!--", start) + 3)
        close = source.find("}}", end) if end >= 0 else -1
    else:
        close = source.find("}}", start + 2)
    if close < 0:
        raise HandlebarsError("`{{` is never closed with `}}`", line, column)
    triple = source.startswith("{{{", start) or source.startswith("{{~{", start)
    end = close + 2
    if triple:
        if not source.startswith("}}}", close) and not source.startswith("}~}}", close - 1):
            raise HandlebarsError("`{{{` is closed with `}}` instead of `}}}`", line, column)
        end = close + 3 if source.startswith("}}}", close) else close + 2
    inner = source[start + 2 : close]
    strip_before, strip_after = inner.startswith("~"), inner.endswith("~")
    inner = inner.strip("~")
    if triple:
        inner = inner.strip().removeprefix("{").removesuffix("}").strip("~")
        return Mustache("raw", inner.strip(), line, column, strip_before, strip_after), end
    return _classify(inner, line, column, strip_before, strip_after), end


def _classify(inner: str, line: int, column: int, before: bool, after: bool) -> Mustache:
    body = inner.strip()
    sigils = {"!": "comment", "#": "open", "/": "close", "&": "raw"}
    if body[:2] in ("#>", "#*") or body[:1] in (">", "*"):
        message = f"`{{{{{body}}}}}`: partials and decorators have no translation"
        raise HandlebarsError(message, line, column)
    if body[:1] in sigils:
        return Mustache(sigils[body[:1]], body[1:].strip(), line, column, before, after)
    if body == "^" or body == "else" or body.startswith("else "):
        rest = body.removeprefix("^").removeprefix("else").strip()
        return Mustache("else", rest, line, column, before, after)
    if body.startswith("^"):
        message = "inverse blocks (`{{^x}}`) have no translation; use {{#unless x}}"
        raise HandlebarsError(message, line, column)
    return Mustache("value", body, line, column, before, after)


def _strip_standalone(segments: list[Segment]) -> None:
    """A block tag alone on its line leaves no blank line behind, as in Handlebars."""
    for i, segment in enumerate(segments):
        if not isinstance(segment, Mustache) or segment.kind not in _BLOCK_LIKE:
            continue
        before = segments[i - 1] if i > 0 else None
        after = segments[i + 1] if i + 1 < len(segments) else None
        if not (isinstance(before, Text) and isinstance(after, Text)):
            continue
        head = before.text.rstrip(" \t")
        tail = after.text.lstrip(" \t")
        at_line_start = (head == "" and i == 1) or head.endswith("\n")
        at_line_end = (tail == "" and i + 2 == len(segments)) or tail[:1] == "\n"
        if at_line_start and at_line_end:
            before.text = head
            after.text = tail[1:] if tail[:1] == "\n" else tail


_HASH_KEY = re.compile(r"[A-Za-z_][\w-]*=")
_WORD = re.compile(r"(?:\[[^\]]*\]|[^\s()\[\]])+")
_NUMBER = re.compile(r"^-?\d+(?:\.\d+)?$")
_KEYWORDS = {"true": "true", "false": "false", "null": "none", "undefined": "none"}


def parse_expressions(body: str, line: int, column: int) -> list[Expr]:
    """`helper a "b" (sub c)` as a list of expressions."""
    exprs, rest = _parse_list(body, line, column, depth=0)
    if rest.strip():
        raise HandlebarsError(f"unexpected `{rest.strip()}`", line, column)
    return exprs


def _parse_list(
    text: str, line: int, column: int, depth: int, *, one: bool = False
) -> tuple[list[Expr], str]:
    """Expressions up to a closing `)` (or just one, for a hash value), and the rest."""
    exprs: list[Expr] = []
    text = text.lstrip()
    while text and text[0] != ")":
        if key := _HASH_KEY.match(text):
            _, rest = _parse_list(text[key.end() :], line, column, depth, one=True)
            exprs.append(Hash(text[: len(text) - len(rest)].strip()))
            text = rest
        elif text[0] == "(":
            inner, text = _parse_list(text[1:], line, column, depth + 1)
            if not text.startswith(")"):
                raise HandlebarsError("a `(` is never closed", line, column)
            if not inner or not isinstance(inner[0], Path):
                raise HandlebarsError("a sub expression starts with a helper name", line, column)
            exprs.append(Call(".".join(inner[0].segments), inner[1:]))
            text = text[1:]
        elif text[0] in "\"'":
            end = _string_end(text, line, column)
            exprs.append(Literal(repr(_unquote(text[1:end]))))
            text = text[end + 1 :]
        else:
            match = _WORD.match(text)
            if match is None:
                raise HandlebarsError(f"unexpected `{text[0]}`", line, column)
            exprs.append(_word(match.group(), line, column))
            text = text[match.end() :]
        text = text.lstrip()
        if one:
            return exprs, text
    if text.startswith(")") and depth == 0:
        raise HandlebarsError("a `)` closes nothing", line, column)
    return exprs, text


def _string_end(text: str, line: int, column: int) -> int:
    i = 1
    while i < len(text):
        if text[i] == "\\":
            i += 2
            continue
        if text[i] == text[0]:
            return i
        i += 1
    raise HandlebarsError("a string is never closed", line, column)


def _unquote(text: str) -> str:
    return re.sub(r"\\(.)", r"\1", text)


def _word(word: str, line: int, column: int) -> Expr:
    if _NUMBER.match(word):
        return Literal(word)
    if word in _KEYWORDS:
        return Literal(_KEYWORDS[word])
    return _path(word, line, column)


def _path(word: str, line: int, column: int) -> Path:
    path = Path([])
    while word.startswith("../"):
        path.ups, word = path.ups + 1, word[3:]
    if word.startswith("@"):
        path.data, word = True, word[1:]
    parts = [p.removeprefix("[").removesuffix("]") for p in re.findall(r"\[[^\]]*\]|[^./]+", word)]
    if parts[:1] == ["this"] or word.startswith("./") or word == ".":
        path.this, parts = True, parts[1:] if parts[:1] == ["this"] else parts
    if not parts and not path.this:
        raise HandlebarsError(f"`{word}` is not a path", line, column)
    path.segments = parts
    return path
