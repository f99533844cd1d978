"""Checking a template before it is stored: every problem, each saying where and what is allowed.

Per part: syntax errors (line and column), unknown filters and tests, attributes the sandbox
would refuse, and variables no endpoint could have (`Atributes.Plan`, `User.Foo`). Per
template: default substitutions that could never apply. Rendering then only fails on data:
a variable this endpoint has no value for.
"""

from __future__ import annotations

import difflib
from collections.abc import Collection
from typing import Any

from jinja2 import TemplateError, TemplateSyntaxError, nodes

from herald.models import Template
from herald.templates.environment import environment
from herald.templates.messages import assemble
from herald.templates.references import Reference, references
from herald.templates.syntax import SourceError, Token, column_of, normalise, parse
from herald.templates.variables import (
    FILLABLE,
    RESERVED,
    SCHEMA,
    Leaf,
    Shape,
    describe,
    is_fillable,
)

_DICT_METHODS = frozenset({"get", "items", "keys", "values"})
# Tags that load other templates: Herald's parts have no template loader.
_LOADING_TAGS: dict[str, type[nodes.Node]] = {
    "extends": nodes.Extends,
    "include": nodes.Include,
    "import": nodes.Import,
    "from ... import": nodes.FromImport,
}
# Names other template languages (Liquid, Handlebars, Django) give Jinja2's filters.
_SYNONYMS = {
    "upcase": "upper",
    "uppercase": "upper",
    "downcase": "lower",
    "lowercase": "lower",
    "strip": "trim",
    "size": "length",
    "json": "tojson",
    "strip_html": "striptags",
    "url_encode": "urlencode",
}


class _Sources:
    """A `Parts` that keeps each part's source instead of rendering it."""

    def __init__(self) -> None:
        self.parts: list[tuple[str, str, bool]] = []

    def render(self, part: str, source: str, *, html: bool = False) -> str:
        self.parts.append((part, source, html))
        return source


def template_sources(template: Template) -> list[tuple[str, str, bool]]:
    """(part, source, html) for every part the template renders."""
    sources = _Sources()
    assemble(template, sources)
    return sources.parts


def template_problems(template: Template) -> list[str]:
    """Every problem in `template`, one line each, starting with the part it is in."""
    defaults = template.default_substitutions
    problems = _default_problems(defaults)
    for part, source, html in template_sources(template):
        problems += [f"{part}: {p}" for p in source_problems(source, html=html, declared=defaults)]
    return problems


def required_substitutions(template: Template, supplied: Collection[str] = ()) -> set[str]:
    """Substitutions the template reads without a guard that neither its defaults nor
    `supplied` give: a message without them cannot be rendered."""
    needed: set[str] = set()
    for _, source, html in template_sources(template):
        env = environment(html=html)
        try:
            tree, _ = parse(env, normalise(source))
            reads = references(tree, frozenset(env.globals))
        except (SourceError, TemplateError):
            continue  # reported by template_problems
        guarded = {r.path[0] for r in reads if r.guarded}
        needed |= {r.path[0] for r in reads if isinstance(r.path[0], str)} - guarded
    return needed - RESERVED - set(template.default_substitutions) - set(supplied)


def source_problems(
    source: str, *, html: bool, declared: Collection[str] = frozenset()
) -> list[str]:
    """Problems in one part's source; `declared` are substitutions that have a default."""
    env = environment(html=html)
    source = normalise(source)
    try:
        tree, tokens = parse(env, source)
    except SourceError as exc:
        return [f"{exc.where()}: {exc.message}"]
    problems = _name_problems(tree, tokens, "filter", env.filters, nodes.Filter, "|")
    problems += _name_problems(tree, tokens, "test", env.tests, nodes.Test, "is")
    if problems:  # Jinja's scoping analysis cannot run over unknown filters or tests
        return problems
    problems += _unsafe_attributes(tree, tokens)
    problems += [
        f"line {node.lineno}: `{{% {tag} %}}` is not supported: each template part stands alone"
        for tag, kind in _LOADING_TAGS.items()
        for node in tree.find_all(kind)
    ]
    for ref in references(tree, frozenset(env.globals)):
        problem = _variable_problem(ref, declared)
        if problem:
            column = column_of(tokens, ref.line, str(ref.path[0]))
            problems.append(f"{_at(ref.line, column)}: {problem}")
    if not problems:
        try:
            env.compile(source)
        except TemplateSyntaxError as exc:  # what the compiler checks beyond the above
            problems.append(f"line {exc.lineno}: {exc.message}")
    return problems


def _at(line: int, column: int | None) -> str:
    return f"line {line} column {column}" if column else f"line {line}"


def _name_problems(
    tree: nodes.Template,
    tokens: list[Token],
    what: str,
    known: dict[str, Any],
    node_type: type[nodes.Filter] | type[nodes.Test],
    after: str,
) -> list[str]:
    problems = []
    for node in tree.find_all(node_type):
        if node.name in known:
            continue
        close = [_SYNONYMS[node.name]] if node.name in _SYNONYMS else []
        close = close or difflib.get_close_matches(node.name, known, n=1)
        hint = f"did you mean `{close[0]}`? " if close else ""
        where = _at(node.lineno, column_of(tokens, node.lineno, node.name, after))
        problems.append(
            f"{where}: unknown {what} `{node.name}`; {hint}{what}s: {', '.join(sorted(known))}"
        )
    return problems


def _unsafe_attributes(tree: nodes.Template, tokens: list[Token]) -> list[str]:
    names = [(n.attr, n.lineno) for n in tree.find_all(nodes.Getattr)]
    names += [
        (n.arg.value, n.lineno)
        for n in tree.find_all(nodes.Getitem)
        if isinstance(n.arg, nodes.Const) and isinstance(n.arg.value, str)
    ]
    names += [
        (n.args[0].value, n.lineno)
        for n in tree.find_all(nodes.Filter)
        if n.name == "attr" and n.args and isinstance(n.args[0], nodes.Const)
    ]
    return [
        f"{_at(line, column_of(tokens, line, name))}: `{name}` is refused: templates cannot "
        "reach Python internals (names starting with '_')"
        for name, line in names
        if isinstance(name, str) and name.startswith("_")
    ]


def _variable_problem(ref: Reference, declared: Collection[str]) -> str | None:
    root, rest = ref.path[0], ref.path[1:]
    assert isinstance(root, str)
    if root in SCHEMA:
        return _schema_problem(ref, SCHEMA[root])
    if not rest or not isinstance(rest[0], str) or (ref.called and len(rest) == 1):
        return None if root in declared else _near_miss(root)
    close = difflib.get_close_matches(root, SCHEMA, n=1)
    hint = f"did you mean `{close[0]}`? " if close else ""
    return (
        f"`{_dotted(ref.path)}`: no endpoint has `{root}`; {hint}substitutions are plain "
        f"text, so `{root}.{rest[0]}` can never have a value. Variables: {', '.join(SCHEMA)}"
    )


def _schema_problem(ref: Reference, shape: Shape) -> str | None:
    for depth, segment in enumerate(ref.path[1:], start=1):
        if isinstance(shape, Leaf):
            return None  # a value or user data: any key, index or method may follow
        last = depth == len(ref.path) - 1
        if isinstance(segment, str) and segment in shape:
            shape = shape[segment]
        elif last and ref.called and segment in _DICT_METHODS:
            return None
        else:
            parent = _dotted(ref.path[:depth])
            return (
                f"`{_dotted(ref.path[: depth + 1])}` is not a variable; {parent} has "
                f"{describe(shape)}"
            )
    return None


def _near_miss(root: str) -> str | None:
    """A substitution named almost like an endpoint variable is most likely a typo of it."""
    close = difflib.get_close_matches(root, SCHEMA, n=1, cutoff=0.8)
    if not close or close[0] == root:
        return None
    return (
        f"`{root}` is not an endpoint variable; did you mean `{close[0]}`? (If `{root}` is a "
        "substitution, give it a default in default_substitutions.)"
    )


def _dotted(path: tuple[str | int, ...]) -> str:
    return "".join(
        f"[{p}]" if isinstance(p, int) else (p if i == 0 else f".{p}") for i, p in enumerate(path)
    )


def _default_problems(defaults: dict[str, str]) -> list[str]:
    problems = []
    for key in defaults:
        if "." in key and not is_fillable(key):
            problems.append(
                f"default_substitutions.{key}: a dotted default fills an endpoint value the "
                f"endpoint lacks; allowed: {FILLABLE}"
            )
        elif key in RESERVED:
            problems.append(
                f"default_substitutions.{key}: `{key}` always comes from the endpoint or the "
                f"sender and cannot be defaulted; dotted defaults allowed: {FILLABLE}"
            )
    return problems
