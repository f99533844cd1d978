"""Templates: every changed definition becomes a new immutable version, and the active one."""

from __future__ import annotations

from pydantic import TypeAdapter
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from herald.models import Template, TemplateVersion
from herald.store.checksum import checksum
from herald.store.clock import aware, utcnow
from herald.store.tables import TemplateRow, TemplateVersionRow

_TEMPLATE: TypeAdapter[Template] = TypeAdapter(Template)


async def put_template(session: AsyncSession, template: Template) -> tuple[int, bool]:
    """Store a template. Returns (active version, whether a new version was made)."""
    document = template.model_dump(mode="json")
    digest = checksum(document)
    row = await session.get(TemplateRow, template.name, with_for_update=True)
    if row is not None:
        latest = await session.get(TemplateVersionRow, (template.name, row.active_version))
        if latest is not None and latest.checksum == digest:
            return row.active_version, False
    now = utcnow()
    version = await _next_version(session, template.name)
    session.add(
        TemplateVersionRow(
            name=template.name,
            version=version,
            definition=document,
            checksum=digest,
            created_at=now,
        )
    )
    if row is None:
        session.add(
            TemplateRow(
                name=template.name,
                channel=template.channel,
                active_version=version,
                created_at=now,
                updated_at=now,
            )
        )
    else:
        row.active_version, row.channel, row.updated_at = version, template.channel, now
    await session.flush()
    return version, True


async def _next_version(session: AsyncSession, name: str) -> int:
    result = await session.execute(
        select(TemplateVersionRow.version)
        .where(TemplateVersionRow.name == name)
        .order_by(TemplateVersionRow.version.desc())
        .limit(1)
    )
    latest = result.scalar_one_or_none()
    return (latest or 0) + 1


async def get_template(
    session: AsyncSession, name: str, version: int | None = None
) -> TemplateVersion | None:
    """The pinned `version`, or the active one."""
    if version is None:
        row = await session.get(TemplateRow, name)
        if row is None:
            return None
        version = row.active_version
    stored = await session.get(TemplateVersionRow, (name, version))
    if stored is None:
        return None
    return TemplateVersion(
        template=_TEMPLATE.validate_python(stored.definition),
        version=stored.version,
        created_at=aware(stored.created_at),
    )
