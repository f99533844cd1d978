"""Templates: every changed definition becomes a new immutable version; one version is active.

Applying a definition makes it the active version (a new one only if it differs from the
active one). `activate_template` points the template at any stored version, e.g. to roll back;
it lasts until a different definition is applied. Sends use the active version unless a step
pins one.
"""

from __future__ import annotations

from pydantic import TypeAdapter
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from herald.models import Template, TemplateSummary, TemplateVersion
from herald.models.endpoint import STORED
from herald.store.checksum import checksum
from herald.store.clock import aware, utcnow
from herald.store.tables import TemplateRow, TemplateVersionRow

_TEMPLATE: TypeAdapter[Template] = TypeAdapter(Template)


async def put_template(session: AsyncSession, template: Template) -> tuple[int, bool]:
    """Store a template. Returns (active version, whether a new version was made)."""
    document = template.model_dump(mode="json")
    row = await session.get(TemplateRow, template.name, with_for_update=True)
    if row is not None:
        active = await session.get(TemplateVersionRow, (template.name, row.active_version))
        # Compared as models, not checksums: a field added to the model later (with its
        # default) must not turn an unchanged definition into a new version.
        if (
            active is not None
            and _TEMPLATE.validate_python(active.definition, context=STORED) == template
        ):
            return row.active_version, False
    now = utcnow()
    version = await _latest_version(session, template.name) + 1
    session.add(
        TemplateVersionRow(
            name=template.name,
            version=version,
            definition=document,
            checksum=checksum(document),
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


async def _latest_version(session: AsyncSession, name: str) -> int:
    result = await session.execute(
        select(func.max(TemplateVersionRow.version)).where(TemplateVersionRow.name == name)
    )
    return result.scalar_one_or_none() or 0


async def get_template(
    session: AsyncSession, name: str, version: int | None = None
) -> TemplateVersion | None:
    """The pinned `version`, or the active one."""
    if version and not 0 < version < 2**31:
        return None  # no stored version has it, and SQLite could not even bind it
    wanted = version if version else TemplateRow.active_version
    found = await session.execute(
        select(TemplateVersionRow, TemplateRow.active_version)
        .join(TemplateRow, TemplateRow.name == TemplateVersionRow.name)
        .where(TemplateVersionRow.name == name, TemplateVersionRow.version == wanted)
    )
    row = found.first()
    return None if row is None else _version(row[0], row[1])


def _version(stored: TemplateVersionRow, active_version: int) -> TemplateVersion:
    return TemplateVersion(
        template=_TEMPLATE.validate_python(stored.definition, context=STORED),
        version=stored.version,
        created_at=aware(stored.created_at),
        active=stored.version == active_version,
    )


async def list_templates(session: AsyncSession) -> list[TemplateSummary]:
    """Every template with its active and latest versions, by name."""
    latest = (
        select(TemplateVersionRow.name, func.max(TemplateVersionRow.version).label("latest"))
        .group_by(TemplateVersionRow.name)
        .subquery()
    )
    result = await session.execute(
        select(TemplateRow, TemplateVersionRow.definition, latest.c.latest)
        .join(
            TemplateVersionRow,
            (TemplateVersionRow.name == TemplateRow.name)
            & (TemplateVersionRow.version == TemplateRow.active_version),
        )
        .join(latest, latest.c.name == TemplateRow.name)
        .order_by(TemplateRow.name)
    )
    return [
        TemplateSummary(
            name=row.name,
            channel=row.channel,
            description=str(definition.get("description", "")),
            active_version=row.active_version,
            latest_version=latest_version,
            updated_at=aware(row.updated_at),
        )
        for row, definition, latest_version in result.all()
    ]


async def list_versions(session: AsyncSession, name: str) -> list[TemplateVersion] | None:
    """Every stored version of `name`, oldest first; None if there is no such template."""
    row = await session.get(TemplateRow, name)
    if row is None:
        return None
    result = await session.scalars(
        select(TemplateVersionRow)
        .where(TemplateVersionRow.name == name)
        .order_by(TemplateVersionRow.version)
    )
    return [_version(stored, row.active_version) for stored in result]


async def activate_template(session: AsyncSession, name: str, version: int) -> int | None:
    """Make `version` the active one. Returns the version active before; None if `name` or
    `version` does not exist."""
    row = await session.get(TemplateRow, name, with_for_update=True)
    if row is None or await session.get(TemplateVersionRow, (name, version)) is None:
        return None
    previous = row.active_version
    if previous != version:
        row.active_version, row.updated_at = version, utcnow()
        await session.flush()
    return previous
