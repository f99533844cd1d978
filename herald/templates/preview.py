"""`herald templates render`: the exact message a template makes for an endpoint.

It renders through `render_message`, the call a send makes. Given a journey step, it takes
what the step sends with: its pinned version, its substitutions and the journey's context.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from herald.models import RenderPreview, SendStep
from herald.store.endpoints import get_endpoint
from herald.store.journeys import get_journey
from herald.store.templates import get_template
from herald.templates.render import render_message


class PreviewLookupError(LookupError):
    """Something the preview names does not exist; the message says which."""


async def preview(
    session: AsyncSession,
    name: str,
    endpoint_id: str,
    *,
    version: int | None = None,
    substitutions: Mapping[str, str] | None = None,
    journey: str | None = None,
    step: str | None = None,
) -> RenderPreview:
    """Raises PreviewLookupError, or TemplateRenderError when the message cannot be made."""
    given = dict(substitutions or {})
    context: dict[str, Any] | None = None
    if journey is not None or step is not None:
        send, context = await _step(session, name, journey, step)
        version = version or send.template_version
        given = {**send.substitutions, **given}
    stored = await get_template(session, name, version)
    if stored is None:
        pinned = f" version {version}" if version else ""
        raise PreviewLookupError(f"template {name!r}{pinned} does not exist")
    endpoint = await get_endpoint(session, endpoint_id)
    if endpoint is None:
        raise PreviewLookupError(f"endpoint {endpoint_id!r} does not exist")
    content = render_message(stored.template, endpoint, substitutions=given, journey=context)
    return RenderPreview(
        template=name,
        version=stored.version,
        channel=stored.template.channel,
        endpoint_id=endpoint.id,
        address=endpoint.address,
        content=content,
    )


async def _step(
    session: AsyncSession, name: str, journey: str | None, step: str | None
) -> tuple[SendStep, dict[str, Any]]:
    if journey is None or step is None:
        raise PreviewLookupError("give both --journey and --step to render as a journey step")
    published = await get_journey(session, journey)
    if published is None:
        raise PreviewLookupError(f"journey {journey!r} is not published")
    found = published.journey.steps.get(step)
    if not isinstance(found, SendStep):
        sends = sorted(k for k, s in published.journey.steps.items() if isinstance(s, SendStep))
        raise PreviewLookupError(
            f"journey {journey!r} has no send step {step!r}; send steps: {', '.join(sends)}"
        )
    if found.template != name:
        raise PreviewLookupError(
            f"step {journey}.{step} sends template {found.template!r}, not {name!r}"
        )
    context = {"Name": journey, "Version": published.version, "StepId": step}
    return found, context
