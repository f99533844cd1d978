"""Template rendering: sandboxed Jinja2, Pinpoint-named variables, per-channel parts."""

from herald.templates.context import build_context, endpoint_context, journey_variables
from herald.templates.render import (
    TemplateRenderError,
    render_message,
    render_part,
    render_template,
)
from herald.templates.validate import required_substitutions, template_problems

__all__ = [
    "TemplateRenderError",
    "build_context",
    "endpoint_context",
    "journey_variables",
    "render_message",
    "render_part",
    "render_template",
    "required_substitutions",
    "template_problems",
]
