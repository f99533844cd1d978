"""Starting a run: freeze the definition, then copy the segment's members into the run's
assignments (treatment or holdout each), a page at a time, so later joiners wait for the
next run and a retried start resumes where the last attempt stopped.

Opted-out members are copied too, into a treatment, never the holdout: the batch skips each
with its reason ("endpoint opted out"), so the run's status says who was left out and why.
Inactive endpoints are not copied."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from herald.analytics.record import record_holdouts
from herald.campaigns.assignment import assign
from herald.campaigns.errors import CampaignError
from herald.models import Segment
from herald.models.campaign import Campaign
from herald.models.campaign_run import (
    EVENT_DEADLINE_SECONDS,
    StartRunRequest,
    StartRunResult,
)
from herald.segments import page_candidates
from herald.store import Database
from herald.store import campaigns as store
from herald.store.clock import aware, utcnow
from herald.store.segments import get_segment_version

PAGE = 5000


async def start_run(
    database: Database, req: StartRunRequest, after: str, heartbeat: Callable[[str], None]
) -> StartRunResult:
    """`after`: the last endpoint id a previous attempt copied (its heartbeat)."""
    async with database.session() as session:
        found = await store.get_campaign(session, req.campaign)
        if found is None:
            raise CampaignError(f"campaign {req.campaign!r} does not exist; `herald apply` it")
        row = await store.start_run(session, found[0], req.run, req.workflow_id, req.now)
        campaign = store.stored_campaign(row.definition)
        started, done = aware(row.started_at), bool(row.snapshot_done)
    if not done:
        async with database.session() as session:
            segment = await _segment(session, campaign)
        await _copy_members(database, campaign, segment, req, after, heartbeat)
    async with database.session() as session:
        sizes = await store.treatment_sizes(session, campaign.name, req.run)
        members, holdout = sum(sizes.values()), sizes.get("holdout", 0)
        frozen = await store.get_run(session, campaign.name, req.run)
        assert frozen is not None
        frozen.members, frozen.holdout, frozen.snapshot_done = members, holdout, 1
    return StartRunResult(
        members=members,
        holdout=holdout,
        batch_size=_batch_size(campaign),
        deadline=_deadline(campaign, started, req),
    )


async def _segment(session: AsyncSession, campaign: Campaign) -> Segment:
    found = await get_segment_version(session, campaign.segment)
    if found is None:
        raise CampaignError(
            f"campaign {campaign.name!r}: segment {campaign.segment!r} does not exist"
        )
    segment, version = found
    if campaign.segment_version and version != campaign.segment_version:
        raise CampaignError(
            f"campaign {campaign.name!r}: segment_version pins {campaign.segment!r} at "
            f"v{campaign.segment_version}, it is at v{version}; pin v{version} or unpin it"
        )
    return segment


async def _copy_members(
    database: Database,
    campaign: Campaign,
    segment: Segment,
    req: StartRunRequest,
    after: str,
    heartbeat: Callable[[str], None],
) -> None:
    if req.trigger is not None:
        only = req.trigger.endpoint_id
        async with database.session() as session:
            member = await page_candidates(session, segment, endpoint_id=only, now=req.now)
            await _assign(session, campaign, req, member)
        return
    while True:
        async with database.session() as session:
            members = await page_candidates(session, segment, after=after, limit=PAGE, now=req.now)
            await _assign(session, campaign, req, members)
        if len(members) < PAGE:
            return
        after = members[-1][0]
        heartbeat(after)


async def _assign(
    session: AsyncSession,
    campaign: Campaign,
    req: StartRunRequest,
    members: list[tuple[str, bool]],
) -> None:
    """`members`: (endpoint id, opted out)."""
    assigned = [(e, assign(campaign, e, reachable=not out)) for e, out in members]
    await store.add_assignments(session, campaign.name, req.run, assigned)
    held = [e for e, treatment in assigned if treatment is None]
    # Stamped when recorded, as send events are, so a holdout member and a treatment member
    # are measured from the same clock when conversions are counted.
    await record_holdouts(session, campaign.name, req.run, held, utcnow())


def _batch_size(campaign: Campaign) -> int:
    rate = campaign.limits.messages_per_second
    # A rate-limited batch takes at most ~10 s, so pause and cancel are answered quickly.
    return min(campaign.batch_size, rate * 10) if rate else campaign.batch_size


def _deadline(campaign: Campaign, started: datetime, req: StartRunRequest) -> datetime | None:
    ends = []
    if campaign.limits.maximum_duration:
        ends.append(started + campaign.limits.maximum_duration)
    if req.trigger is not None:
        ends.append(req.trigger.timestamp + timedelta(seconds=EVENT_DEADLINE_SECONDS))
    return min(ends) if ends else None
