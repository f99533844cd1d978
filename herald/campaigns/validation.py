"""Apply-time checks of a campaign against the store: its segment (and pinned version) and
every message's template exist, on the message's channel, with the values they need."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from herald.models.campaign import Campaign
from herald.store.segments import get_segment_version
from herald.templates.stored_reference import reference_problem


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
        if message.template is not None:
            problem = await reference_problem(
                session,
                f"{where}: {path}",
                message.template,
                message.template_version,
                message.channel.value,
                message.substitutions,
                sender="this message",
            )
            problems += [problem] if problem else []
    return problems
