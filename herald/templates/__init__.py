"""Template rendering: sandboxed Jinja2, Pinpoint-named variables, per-channel parts."""

from herald.templates.context import build_context, endpoint_context
from herald.templates.render import TemplateRenderError, render_template

__all__ = ["TemplateRenderError", "build_context", "endpoint_context", "render_template"]
