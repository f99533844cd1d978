"""Admitting a page of a journey's entry segment (the JourneyRunWorkflow's activity)."""

from __future__ import annotations

import asyncio

from temporalio.client import Client

from herald.journeys.entry import enter
from herald.models.journey_run import AdmitPageRequest, AdmitPageResult
from herald.segments import page_members, page_users
from herald.store import Database
from herald.store.journeys import get_journey, get_state
from herald.store.segments import get_segment

# Starting workflows is one RPC each: a few at a time keeps a page quick without flooding.
CONCURRENT_STARTS = 16


class AdmissionError(ValueError):
    """The journey cannot admit from a segment; the message says what to fix."""


async def admit_page(
    temporal: Client, database: Database, req: AdmitPageRequest, task_queue: str
) -> AdmitPageResult:
    async with database.session() as session:
        published = await get_journey(session, req.journey)
        state = await get_state(session, req.journey) or "ACTIVE"
    if published is None:
        raise AdmissionError(f"journey {req.journey!r} is not published")
    settings = published.journey.settings
    rule = settings.entry.segment
    if rule is None:
        raise AdmissionError(f"journey {req.journey!r} has no segment entry")
    result = AdmitPageResult(
        cursor=req.after,
        seen=0,
        admitted=0,
        done=False,
        journey_state=state,
        refresh=rule.refresh,
        schedule_start=settings.schedule.start,
        schedule_end=settings.schedule.end,
        version=published.version,
    )
    start, end = settings.schedule.start, settings.schedule.end
    if state != "ACTIVE" or (start and req.now < start) or (end and req.now >= end):
        return result  # the workflow waits for the window (or stops) and asks again
    async with database.session() as session:
        segment = await get_segment(session, rule.segment)
        if segment is None:
            raise AdmissionError(f"segment {rule.segment!r} does not exist")
        # A user journey admits each user once, however many of their endpoints are members.
        paging = page_users if settings.entry.participant == "user" else page_members
        members = await paging(session, segment, after=req.after, limit=req.limit, now=req.now)
    gate = asyncio.Semaphore(CONCURRENT_STARTS)

    async def admit(participant: str) -> bool:
        async with gate:
            entered = await enter(
                temporal, database, published, participant, task_queue=task_queue, now=req.now
            )
            return entered.refused is None

    admitted = sum(await asyncio.gather(*(admit(m) for m in members)))
    return result.model_copy(
        update={
            "cursor": members[-1] if members else req.after,
            "seen": len(members),
            "admitted": admitted,
            "done": len(members) < req.limit,
        }
    )
