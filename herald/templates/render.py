"""Sandboxed Jinja2 rendering with compiled templates cached.

HTML parts are autoescaped, text parts are not. A missing variable is an error, never
"None" or an empty hole in a customer's message.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import jinja2
from jinja2.sandbox import SandboxedEnvironment

from herald.models import EmailTemplate, RenderedMessage, SmsTemplate, Template


class TemplateRenderError(ValueError):
    """A template could not be rendered: names the template, the part and the problem."""


def _environment(autoescape: bool) -> SandboxedEnvironment:
    return SandboxedEnvironment(
        autoescape=autoescape, undefined=jinja2.StrictUndefined, keep_trailing_newline=True
    )


_ENVIRONMENTS = {True: _environment(True), False: _environment(False)}


@lru_cache(maxsize=4096)
def compile_source(source: str, html: bool) -> jinja2.Template:
    return _ENVIRONMENTS[html].from_string(source)


def render_part(name: str, part: str, source: str, context: dict[str, Any], *, html: bool) -> str:
    try:
        return compile_source(source, html).render(context)
    except jinja2.TemplateSyntaxError as exc:
        raise TemplateRenderError(
            f"template {name!r} ({part}), line {exc.lineno}: {exc.message}"
        ) from exc
    except jinja2.UndefinedError as exc:
        raise TemplateRenderError(
            f"template {name!r} ({part}): {exc.message}; give the variable a value in the "
            "template's default_substitutions or the step's substitutions"
        ) from exc
    except jinja2.TemplateError as exc:
        raise TemplateRenderError(f"template {name!r} ({part}): {exc}") from exc


def render_template(template: Template, context: dict[str, Any]) -> RenderedMessage:
    if isinstance(template, EmailTemplate):
        return _render_email(template, context)
    if isinstance(template, SmsTemplate):
        return RenderedMessage(
            body=render_part(template.name, "body", template.body, context, html=False)
        )
    raise TemplateRenderError(f"template {template.name!r}: channel {template.channel} unsupported")


def _render_email(template: EmailTemplate, context: dict[str, Any]) -> RenderedMessage:
    name = template.name
    return RenderedMessage(
        subject=render_part(name, "subject", template.subject, context, html=False),
        html=render_part(name, "html", template.html, context, html=True)
        if template.html
        else None,
        text=render_part(name, "text", template.text, context, html=False)
        if template.text
        else None,
        from_address=template.from_address,
    )
