"""Apply-time checks of a campaign against the store: its segment (and pinned version) and
every message's template exist, on the message's channel, with the values they need."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from herald.models.campaign import Campaign
from herald.store.segments import get_segment_version
from herald.store.templates import get_template
from herald.templates import required_substitutions


async def campaign_problems(session: AsyncSession, campaign: Campaign) -> list[str]:
    where = f"Campaign {campaign.name!r}"
    problems = []
    found = await get_segment_version(session, campaign.segment)
    if found is None:
        problems.append(
            f"{where}: segment: {campaign.segment!r} does not exist; apply it first or with it"
        )
    elif campaign.segment_version and found[1] != campaign.segment_version:
        problems.append(
            f"{where}: segment_version: {campaign.segment!r} is at version {found[1]}, "
            f"not {campaign.segment_version}"
        )
    for path, message in campaign.all_messages():
        if message.template is None:
            continue
        stored = await get_template(session, message.template, message.template_version)
        pinned = f" version {message.template_version}" if message.template_version else ""
        if stored is None:
            problems.append(
                f"{where}: {path}.template: {message.template!r}{pinned} does not exist; "
                "apply the template first or with it"
            )
        elif stored.template.channel != message.channel.value:
            problems.append(
                f"{where}: {path}.template: {message.template!r} is a "
                f"{stored.template.channel} template, the message is {message.channel.value}"
            )
        elif missing := sorted(required_substitutions(stored.template, message.substitutions)):
            problems.append(
                f"{where}: {path}.substitutions: template {message.template!r} "
                f"v{stored.version} needs {', '.join(missing)}"
            )
    return problems
