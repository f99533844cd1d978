"""Template routes: list, read a version, versions, activate, render a preview. Thin over
HeraldClient's template methods, the calls `herald templates` makes."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Body, Depends, HTTPException, Query, Request

from herald.client import HeraldClient
from herald.models import RenderPreview, TemplateSummary, TemplateVersion
from herald.templates import TemplateRenderError

router = APIRouter(prefix="/v1/templates", tags=["templates"])


def _herald(request: Request) -> HeraldClient:
    client: HeraldClient = request.app.state.herald
    return client


Client = Annotated[HeraldClient, Depends(_herald)]
# Versions are counted from 1; the bound keeps a number no database column holds a 422.
MAX_VERSION = 2**31 - 1
Version = Annotated[
    int | None,
    Query(ge=1, le=MAX_VERSION, description="This version; default: the active one."),
]


@router.get("")
async def list_templates(client: Client) -> list[TemplateSummary]:
    return await client.templates()


@router.get("/{name}")
async def get_template(client: Client, name: str, version: Version = None) -> TemplateVersion:
    return await client.template(name, version)


@router.get("/{name}/versions")
async def template_versions(client: Client, name: str) -> list[TemplateVersion]:
    return await client.template_versions(name)


@router.post("/{name}/active-version")
async def activate(
    client: Client, name: str, version: Annotated[int, Body(embed=True, ge=1, le=MAX_VERSION)]
) -> dict[str, int]:
    """Make a stored version the one sends use (a roll back); says which was active before."""
    previous = await client.activate_template(name, version)
    return {"active_version": version, "previous_version": previous}


@router.post("/{name}/render")
async def render(
    client: Client,
    name: str,
    endpoint_id: Annotated[str, Body(embed=True)],
    version: Annotated[int | None, Body(embed=True, ge=1, le=MAX_VERSION)] = None,
    substitutions: Annotated[dict[str, str] | None, Body(embed=True)] = None,
) -> RenderPreview:
    """The exact message the template makes for an endpoint; 422 says why it cannot be made."""
    try:
        return await client.render_template(
            name, endpoint_id, version=version, substitutions=substitutions
        )
    except TemplateRenderError as exc:
        raise HTTPException(422, str(exc)) from None
