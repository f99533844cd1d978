"""Whether a definition's reference to a stored template holds: it exists (at the pinned
version), is for the sending channel, and gets every value it needs. Checked at apply."""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy.ext.asyncio import AsyncSession

from herald.store.templates import get_template
from herald.templates.validate import required_substitutions


async def reference_problem(
    session: AsyncSession,
    where: str,
    template: str,
    version: int | None,
    channel: str,
    substitutions: Mapping[str, str],
    sender: str = "this step",
) -> str | None:
    """`where`: the definition and field path the problem is reported on."""
    found = await get_template(session, template, version)
    if found is None:
        pinned = f" version {version}" if version else ""
        return (
            f"{where}.template: {template!r}{pinned} does not exist; "
            "apply the template first or with it"
        )
    if found.template.channel != channel:
        return (
            f"{where}.template: {template!r} is a {found.template.channel} template, "
            f"{sender} sends {channel}"
        )
    if unsupplied := sorted(required_substitutions(found.template, substitutions)):
        return (
            f"{where}.substitutions: template {template!r} v{found.version} needs "
            f"{', '.join(unsupplied)}, which neither its default_substitutions nor "
            f"{sender} gives"
        )
    return None
