"""Rendering a template for one endpoint: the one path sends and previews both take.

A missing variable, a syntax error or a refused attribute raises `TemplateRenderError` naming
the template, the part and what to change; never "None" or an empty hole in a message.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import jinja2
from jinja2.exceptions import SecurityError

from herald.models import Endpoint, RenderedMessage, Template
from herald.templates.context import build_context
from herald.templates.environment import compile_source, environment
from herald.templates.messages import assemble
from herald.templates.syntax import SourceError, normalise, parse
from herald.templates.undefined import MissingValue


class TemplateRenderError(ValueError):
    """A template could not be rendered: names the template, the part and the problem."""


def render_message(
    template: Template,
    endpoint: Endpoint,
    *,
    substitutions: Mapping[str, str] | None = None,
    journey: Mapping[str, Any] | None = None,
    campaign: Mapping[str, Any] | None = None,
) -> RenderedMessage:
    """The message `template` makes for `endpoint`, exactly as a send would make it."""
    context = build_context(
        endpoint,
        defaults=template.default_substitutions,
        substitutions=substitutions,
        journey=journey,
        campaign=campaign,
    )
    return render_template(template, context)


def render_template(template: Template, context: Mapping[str, Any]) -> RenderedMessage:
    """Render every part of `template` with a context from `build_context`."""
    return assemble(template, _ContextParts(template.name, context))


class _ContextParts:
    def __init__(self, name: str, context: Mapping[str, Any]) -> None:
        self.name = name
        self.context = context

    def render(self, part: str, source: str, *, html: bool = False) -> str:
        return render_part(self.name, part, source, self.context, html=html)


def render_part(
    name: str, part: str, source: str, context: Mapping[str, Any], *, html: bool
) -> str:
    try:
        template = compile_source(source, html)
        # Shared: the context is used as is, not copied with the globals for every part
        # (HeraldContext finds the globals itself).
        parent = context if isinstance(context, dict) else dict(context)
        return "".join(template.root_render_func(template.new_context(parent, shared=True)))
    except jinja2.TemplateSyntaxError as exc:
        raise TemplateRenderError(
            f"template {name!r} ({part}), {_syntax_error(source, html, exc)}"
        ) from exc
    except MissingValue as exc:
        raise TemplateRenderError(
            f"template {name!r} ({part}): {exc.message}; give it a value: a default in the "
            "template's default_substitutions (a dotted key such as "
            "`Attributes.Plan` for an endpoint value), the step's substitutions, or "
            "`| default('...')` in the template"
        ) from exc
    except SecurityError as exc:
        raise TemplateRenderError(
            f"template {name!r} ({part}): {str(exc).rstrip('.')}; templates cannot reach "
            "Python internals or change the values they are given"
        ) from exc
    except (jinja2.TemplateError, TypeError, ValueError, ArithmeticError) as exc:
        # What a template does with a value (`'a' + 1`, `x | int` on a word) fails the same
        # way whatever the endpoint: a person must change the template.
        raise TemplateRenderError(f"template {name!r} ({part}): {exc}") from exc


def _syntax_error(source: str, html: bool, exc: jinja2.TemplateSyntaxError) -> str:
    try:
        parse(environment(html=html), normalise(source))
    except SourceError as located:
        return f"{located.where()}: {located.message}"
    return f"line {exc.lineno}: {exc.message}"
