"""Pinpoint's Handlebars templates as Herald's Jinja2: same variables, same output.

Translated: variables (`{{User.UserAttributes.FirstName}}`, `.[0]`, `[Name With Space]`),
`{{{unescaped}}}`, comments, `~`, blocks `if`/`unless`/`each` (with `this`, `@index`,
`@first`, `@last`, `../x`, `{{else}}`, `{{else if}}`), the conditional helpers `eq`, `neq`,
`gt`, `gte`, `lt`, `lte`, `and`, `or`, `not` (as blocks or in `(sub expressions)`), and the
string helpers `upper`, `lower`, `join`, `defaultIfEmpty`, `abbreviate`, `cut`. Any other
helper fails, naming it: a translation that renders something else would be worse.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from herald.pinpoint.handlebars_syntax import (
    Call,
    Expr,
    HandlebarsError,
    Hash,
    Literal,
    Mustache,
    Path,
    Text,
    parse_expressions,
    scan,
)

_COMPARE = {"eq": "==", "neq": "!=", "gt": ">", "gte": ">=", "lt": "<", "lte": "<="}
_JOIN = {"and": "and", "or": "or"}
_CONDITIONS = frozenset({*_COMPARE, *_JOIN, "not", "if", "unless"})
# helper -> (number of arguments after the value, Jinja filter chain with {0}, {1} ...)
_FILTERS = {
    "upper": (0, "upper"),
    "lower": (0, "lower"),
    "join": (1, "join({0})"),
    "defaultIfEmpty": (1, "default({0}, true)"),
    "abbreviate": (1, "string | truncate({0}, true, '...', 0)"),
    "cut": (1, "string | replace({0}, '')"),
}
# Helpers Pinpoint documents that have no faithful Jinja2 translation here. A bare `{{now}}`
# is a helper call, not a variable named "now".
KNOWN_HELPERS = frozenset(
    {"capitalize", "capitalizeFirst", "center", "dateFormat", "inflect", "ljust", "now",
     "numberFormat", "ordinalize", "replace", "rjust", "slugify", "stringFormat", "stripTags",
     "substring", "wordWrap", "yesno", "urlEncode", "urlDecode", "add", "ceiling", "decrement",
     "divide", "floor", "increment", "log", "minus", "mod", "multiply", "round", "sqrt",
     "with", "lookup", "each", "if", "unless", *_CONDITIONS, *_FILTERS}
)  # fmt: skip


@dataclass
class _Block:
    helper: str
    loops: int  # `each` blocks open, this one included
    opened: Mustache


@dataclass
class _Translation:
    html: bool
    blocks: list[_Block] = field(default_factory=list)
    out: list[str] = field(default_factory=list)

    @property
    def loops(self) -> int:
        return self.blocks[-1].loops if self.blocks else 0


def to_jinja(source: str, *, html: bool) -> str:
    """The Jinja2 source rendering what `source` rendered in Pinpoint; raises HandlebarsError."""
    state = _Translation(html)
    for segment in scan(source):
        if isinstance(segment, Text):
            state.out.append(_text(segment.text))
        else:
            state.out.append(_mustache(state, segment))
    if state.blocks:
        opened = state.blocks[-1].opened
        raise HandlebarsError(
            f"`{{{{#{opened.body}}}}}` is never closed", opened.line, opened.column
        )
    return "".join(state.out)


def _text(text: str) -> str:
    """Literal text, with what Jinja would read as a tag start written as a string."""
    return _OPENER.sub(lambda m: "{{ '" + m.group() + "' }}", text)


_OPENER = re.compile(r"\{[{%#]")


def _tag(m: Mustache, body: str, braces: tuple[str, str] = ("{%", "%}")) -> str:
    left = braces[0] + ("-" if m.strip_before else "")
    right = ("-" if m.strip_after else "") + braces[1]
    return f"{left} {body} {right}"


def _mustache(state: _Translation, m: Mustache) -> str:
    if m.kind == "comment":
        return _tag(m, "", ("{#", "#}")) if m.strip_before or m.strip_after else ""
    if m.kind == "open":
        return _open(state, m)
    if m.kind == "close":
        return _close(state, m)
    if m.kind == "else":
        return _else(state, m)
    exprs = parse_expressions(m.body, m.line, m.column)
    if not exprs:
        raise HandlebarsError("an empty `{{}}`", m.line, m.column)
    value = _value(state, exprs, m)
    if m.kind == "raw" and state.html:
        value = f"({value}) | safe"
    return _tag(m, value, ("{{", "}}"))


def _value(state: _Translation, exprs: list[Expr], m: Mustache) -> str:
    head = exprs[0]
    if len(exprs) == 1 and not (isinstance(head, Path) and _helper_name(head) in KNOWN_HELPERS):
        return _expr(state, head, m)
    name = _helper_name(head) if isinstance(head, Path) else None
    if name is None:
        raise HandlebarsError(f"`{m.body}` is neither a variable nor a helper", m.line, m.column)
    return _expr(state, Call(name, exprs[1:]), m)


def _helper_name(path: Path) -> str | None:
    simple = len(path.segments) == 1 and not (path.ups or path.this or path.data)
    return path.segments[0] if simple else None


def _open(state: _Translation, m: Mustache) -> str:
    exprs = parse_expressions(m.body, m.line, m.column)
    name = _helper_name(exprs[0]) if exprs and isinstance(exprs[0], Path) else None
    if name == "each":
        if len(exprs) != 2:
            raise HandlebarsError("{{#each}} takes one list", m.line, m.column)
        items = _expr(state, exprs[1], m)
        state.blocks.append(_Block("each", state.loops + 1, m))
        return _tag(m, f"for item{state.loops} in ({items}) | default([])")
    if name in _CONDITIONS:
        test = _condition(state, name, exprs[1:], m)
        state.blocks.append(_Block(name, state.loops, m))
        return _tag(m, f"if {test}")
    raise _no_translation(name or m.body, m)


def _close(state: _Translation, m: Mustache) -> str:
    if not state.blocks:
        raise HandlebarsError(f"`{{{{/{m.body}}}}}` closes nothing", m.line, m.column)
    block = state.blocks.pop()
    if m.body != block.helper:
        raise HandlebarsError(
            f"`{{{{/{m.body}}}}}` closes `{{{{#{block.helper}}}}}`", m.line, m.column
        )
    return _tag(m, "endfor" if block.helper == "each" else "endif")


def _else(state: _Translation, m: Mustache) -> str:
    if not state.blocks:
        raise HandlebarsError("`{{else}}` outside a block", m.line, m.column)
    if not m.body:
        return _tag(m, "else")
    exprs = parse_expressions(m.body, m.line, m.column)
    name = _helper_name(exprs[0]) if exprs and isinstance(exprs[0], Path) else None
    if state.blocks[-1].helper == "each" or name not in _CONDITIONS:
        raise HandlebarsError(f"`{{{{else {m.body}}}}}` has no translation", m.line, m.column)
    return _tag(m, f"elif {_condition(state, name, exprs[1:], m)}")


def _condition(state: _Translation, name: str, args: list[Expr], m: Mustache) -> str:
    values = [_expr(state, a, m) for a in args]
    if name in ("if", "unless", "not"):
        if len(values) != 1:
            raise HandlebarsError(f"`{name}` takes one value", m.line, m.column)
        return values[0] if name == "if" else f"not ({values[0]})"
    if name in _COMPARE:
        if len(values) != 2:
            raise HandlebarsError(f"`{name}` compares two values", m.line, m.column)
        return f"({values[0]} {_COMPARE[name]} {values[1]})"
    if len(values) < 2:
        raise HandlebarsError(f"`{name}` takes two or more values", m.line, m.column)
    return "(" + f" {_JOIN[name]} ".join(values) + ")"


def _expr(state: _Translation, expr: Expr, m: Mustache) -> str:
    if isinstance(expr, Literal):
        return expr.jinja
    if isinstance(expr, Path):
        return _path(state, expr, m)
    if isinstance(expr, Hash):
        raise HandlebarsError(f"hash argument `{expr.text}` has no translation", m.line, m.column)
    if expr.helper in _CONDITIONS - {"if", "unless"}:
        return _condition(state, expr.helper, expr.args, m)
    if expr.helper in _FILTERS:
        extra, chain = _FILTERS[expr.helper]
        if len(expr.args) != 1 + extra:
            raise HandlebarsError(
                f"`{expr.helper}` takes {1 + extra} argument(s)", m.line, m.column
            )
        value, *rest = [_expr(state, a, m) for a in expr.args]
        return f"({value}) | " + chain.format(*rest)
    raise _no_translation(expr.helper, m)


def _path(state: _Translation, path: Path, m: Mustache) -> str:
    segments = list(path.segments)
    if path.data:
        return _data_variable(state, segments, m)
    depth = state.loops - path.ups
    if depth < 0:
        raise HandlebarsError("`../` goes above the template", m.line, m.column)
    if depth > 0 and (path.this or path.ups or segments):
        # Inside {{#each}} a path is read from the current item, as Handlebars does.
        return _access(f"item{depth}", segments)
    if path.this and depth == 0:
        raise HandlebarsError("`this` outside {{#each}} has no translation", m.line, m.column)
    return _root(segments, m)


def _root(segments: list[str], m: Mustache) -> str:
    """A path from the template's top level: its first name must be one Jinja can read."""
    if not segments[0].isidentifier():
        raise HandlebarsError(f"`{segments[0]}` is not a name Jinja can read", m.line, m.column)
    return _access(segments[0], segments[1:])


def _data_variable(state: _Translation, segments: list[str], m: Mustache) -> str:
    name = segments[0] if segments else ""
    if name == "root" and len(segments) > 1:
        return _root(segments[1:], m)
    loop = {"index": "loop.index0", "first": "loop.first", "last": "loop.last"}
    if name in loop and state.loops:
        return loop[name]
    raise HandlebarsError(f"`@{name}` has no translation here", m.line, m.column)


def _access(base: str, segments: list[str]) -> str:
    out = base
    for segment in segments:
        if segment.isdigit():
            out += f"[{segment}]"
        elif segment.isidentifier():
            out += f".{segment}"
        else:
            out += f"[{segment!r}]"
    return out


def _no_translation(helper: str, m: Mustache) -> HandlebarsError:
    return HandlebarsError(
        f"Handlebars helper `{helper}` has no Herald translation; rewrite it in Jinja2 "
        "(filters such as `| upper`, `| default`) or remove it",
        m.line,
        m.column,
    )
