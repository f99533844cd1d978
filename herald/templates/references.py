"""The variables a template's syntax tree reads, as dotted paths, and how it reads them.

`{{ User.UserAttributes.FirstName }}` reads ("User", "UserAttributes", "FirstName"). A read is
guarded when the template copes with no value: under `| default(...)`, `is defined`, or in an
`{% if %}` / `x if ... else` test; a variable read only guarded is optional.
"""

from __future__ import annotations

from dataclasses import dataclass

from jinja2 import meta, nodes

_GUARD_FILTERS = frozenset({"default", "d"})
_GUARD_TESTS = frozenset({"defined", "undefined"})

Segment = str | int


@dataclass(frozen=True)
class Reference:
    path: tuple[Segment, ...]
    line: int
    guarded: bool
    called: bool  # the last segment is a method being called, e.g. `Address.upper()`


def references(tree: nodes.Template, known_globals: frozenset[str]) -> list[Reference]:
    """Reads of top-level names the template does not set itself (loops, `set`, macros)."""
    free = meta.find_undeclared_variables(tree) - known_globals
    found: list[Reference] = []
    _walk(tree, free, found, guarded=False)
    return found


def _walk(node: nodes.Node, free: set[str], out: list[Reference], *, guarded: bool) -> None:
    if isinstance(node, nodes.Getattr | nodes.Getitem | nodes.Name):
        _chain(node, free, out, guarded=guarded, called=False)
    elif isinstance(node, nodes.Call) and isinstance(node.node, nodes.Getattr | nodes.Getitem):
        _chain(node.node, free, out, guarded=guarded, called=True)
        _walk_all(node, free, out, guarded=guarded, skip=node.node)
    elif isinstance(node, nodes.Filter) and node.name in _GUARD_FILTERS and node.node:
        _walk(node.node, free, out, guarded=True)
        _walk_all(node, free, out, guarded=guarded, skip=node.node)
    elif isinstance(node, nodes.Test) and node.name in _GUARD_TESTS:
        _walk(node.node, free, out, guarded=True)
    elif isinstance(node, nodes.If | nodes.CondExpr):
        _walk(node.test, free, out, guarded=True)
        _walk_all(node, free, out, guarded=guarded, skip=node.test)
    else:
        _walk_all(node, free, out, guarded=guarded, skip=None)


def _walk_all(
    node: nodes.Node, free: set[str], out: list[Reference], *, guarded: bool, skip: object
) -> None:
    for child in node.iter_child_nodes():
        if child is not skip:
            _walk(child, free, out, guarded=guarded)


def _chain(
    node: nodes.Expr, free: set[str], out: list[Reference], *, guarded: bool, called: bool
) -> None:
    """Follow `a.b['c'][0]` down to its name; dynamic parts (`a[key]`) end the static path."""
    path: list[Segment] = []
    current: nodes.Node = node
    while isinstance(current, nodes.Getattr | nodes.Getitem):
        if isinstance(current, nodes.Getattr):
            path.append(current.attr)
        elif isinstance(current.arg, nodes.Const) and isinstance(current.arg.value, str | int):
            path.append(current.arg.value)
        else:
            path.clear()  # what follows a dynamic key is unknown
            called = False
            _walk(current.arg, free, out, guarded=guarded)
        current = current.node
    if isinstance(current, nodes.Name) and current.ctx == "load" and current.name in free:
        full = (current.name, *reversed(path))
        out.append(Reference(full, current.lineno, guarded, called and len(full) > 1))
    elif not isinstance(current, nodes.Name):
        _walk(current, free, out, guarded=guarded)
