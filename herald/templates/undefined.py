"""What a variable with no value does: fail the render, naming the variable as written.

Printing, iterating or arithmetic raise `MissingValue`, so a customer never gets "None" or
an empty hole. Tests are allowed: a missing value is false in `{% if %}` (and so in
`{{ x or 'friend' }}`), equal only to another missing value, contains nothing, and its
attributes are itself (so `| default` rescues `Journey.StepId` outside a journey). That is
what `{{#if User.UserAttributes.FirstName}}` meant in Pinpoint's Handlebars.
"""

from __future__ import annotations

from typing import Any

from jinja2 import TemplateRuntimeError, Undefined, UndefinedError
from jinja2.utils import missing

from herald.templates.context import Values


class MissingValue(UndefinedError):
    """A template used a variable that has no value for this message."""


class HeraldUndefined(Undefined):
    __slots__ = ()

    def __init__(
        self,
        hint: str | None = None,
        obj: Any = missing,
        name: str | None = None,
        exc: type[TemplateRuntimeError] = MissingValue,
    ) -> None:
        super().__init__(hint, obj, name, exc)

    # Undefined renders as "" and iterates as empty; here they fail like everything else.
    __iter__ = __str__ = __len__ = Undefined._fail_with_undefined_error

    def __contains__(self, item: object) -> bool:
        return False

    # `{{ Journey.StepId | default('-') }}` works outside a journey: a missing value's
    # attributes are the same missing value, which still fails when printed.
    def __getattr__(self, name: str) -> Any:
        if name[:2] == "__":
            raise AttributeError(name)
        return self

    def __getitem__(self, key: Any) -> HeraldUndefined:  # type: ignore[override]  # base: fails
        return self

    @property
    def _undefined_message(self) -> str:
        if self._undefined_hint:
            return self._undefined_hint
        name, obj = self._undefined_name, self._undefined_obj
        if obj is missing:
            return f"`{name}` has no value"
        if isinstance(obj, Values):
            where = f"{obj.path}.{name}" if isinstance(name, str) else f"{obj.path}[{name!r}]"
            return f"`{where}` has no value"
        return super()._undefined_message
