"""What a misspelt field is told: the fields allowed where it was written, and the one it
most likely meant. pydantic says only "Extra inputs are not permitted", which leaves the
user to find the right name in the docs.

The model that refused the field is found by following pydantic's error location through
the type annotations: a model's fields (by name or alias), a dict's values, a list's items,
and a union's members, which pydantic names by their tag (`steps.nap.wait.duration`) or,
in a union without one, by the member's type.
"""

from __future__ import annotations

import difflib
import re
import types
from collections.abc import Mapping, Sequence
from collections.abc import Set as AbstractSet
from typing import Annotated, Any, Literal, NamedTuple, Union, get_args, get_origin

from pydantic import BaseModel

Location = Sequence[str | int]


class _Tagged(NamedTuple):
    """A model field's type with the discriminator pydantic keeps beside it, not in it."""

    annotation: Any
    discriminator: str


def unknown_field(root: Any, loc: Location) -> str | None:
    """The problem of the unknown field at `loc` (an error location under the type `root`):
    the fields allowed there, as users write them, and a close one if there is. None when
    the model at that place cannot be found."""
    *parent, field = loc
    model = model_at(root, parent)
    if model is None or not isinstance(field, str):
        return None
    allowed = field_names(model)
    close = difflib.get_close_matches(field, allowed, n=1)
    hint = f"did you mean `{close[0]}`? " if close else ""
    return f"unknown field; {hint}allowed: {', '.join(sorted(allowed))}"


def field_names(model: type[BaseModel]) -> list[str]:
    """The model's fields as a definition file names them: Pinpoint-shaped ones by alias."""
    names = []
    for name, info in model.model_fields.items():
        alias = info.validation_alias if isinstance(info.validation_alias, str) else info.alias
        names.append(alias or name)
    return names


def model_at(root: Any, loc: Location) -> type[BaseModel] | None:
    """The model at `loc` under the type `root`, or None."""
    current: Any = root
    for part in loc:
        current = _inside(current, part)
        if current is None:
            return None
    found, _ = _plain(current)
    return found if _is_model(found) else None


def _inside(annotation: Any, part: str | int) -> Any:
    """The type of `part` of a value of `annotation`, or None if it has no such part."""
    plain, discriminator = _plain(annotation)
    members = _members(plain)
    if len(members) > 1:
        return next((m for m in members if _is_member(m, part, discriminator)), None)
    if _is_model(plain):
        return _field(plain, part)
    origin, args = get_origin(plain), get_args(plain)
    if not isinstance(origin, type) or not args:
        return None
    if issubclass(origin, Mapping):
        return args[-1]
    if isinstance(part, int) and issubclass(origin, Sequence | AbstractSet):
        homogeneous = origin is not tuple or (len(args) == 2 and args[1] is Ellipsis)
        return args[0] if homogeneous else (args[part] if part < len(args) else None)
    return None


def _plain(annotation: Any) -> tuple[Any, str | None]:
    """`annotation` without `Annotated` and `None`, and the discriminator of its union."""
    discriminator = None
    while True:
        if isinstance(annotation, _Tagged):
            annotation, discriminator = annotation
        elif get_origin(annotation) is Annotated:
            annotation, *extras = get_args(annotation)
            tags = [getattr(e, "discriminator", None) for e in extras]
            discriminator = next((t for t in tags if isinstance(t, str)), discriminator)
        elif len(members := _members(annotation)) == 1 and members[0] is not annotation:
            annotation = members[0]  # X | None: pydantic adds no location for the None
        else:
            return annotation, discriminator


def _members(annotation: Any) -> list[Any]:
    if get_origin(annotation) in (Union, types.UnionType):
        return [a for a in get_args(annotation) if a is not type(None)]
    return [annotation]


def _is_member(member: Any, part: str | int, discriminator: str | None) -> bool:
    """Whether pydantic's location `part` names this member of a union: by its tag, or by
    its type's name (`EmailTemplate`, `function-after[_needs_a_body(), EmailTemplate]`)."""
    if not isinstance(part, str):
        return False
    if discriminator is not None and part in _tags(member, discriminator):
        return True
    name = getattr(_plain(member)[0], "__name__", None)
    return name is not None and re.search(rf"\b{re.escape(name)}\b", part) is not None


def _tags(member: Any, discriminator: str) -> set[str]:
    """The values of `discriminator` that select `member` (a model, or a union of them)."""
    plain, _ = _plain(member)
    if len(members := _members(plain)) > 1:
        return set().union(*(_tags(m, discriminator) for m in members))
    tag, _ = _plain(_field(plain, discriminator)) if _is_model(plain) else (None, None)
    if get_origin(tag) is not Literal:
        return set()
    return {str(getattr(v, "value", v)) for v in get_args(tag)}


def _field(model: type[BaseModel], part: str | int) -> Any:
    for name, info in model.model_fields.items():
        if part in (name, info.alias, info.validation_alias):
            discriminator = info.discriminator
            if isinstance(discriminator, str):
                return _Tagged(info.annotation, discriminator)
            return info.annotation
    return None


def _is_model(annotation: Any) -> bool:
    return isinstance(annotation, type) and issubclass(annotation, BaseModel)
