"""A journey's stored state on SQLite and PostgreSQL: drafts, and which entries may still
be in a journey (those with no recorded exit)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from herald.models import Journey
from herald.models.journey_progress import JourneyExit, JourneyProgress
from herald.store import Database
from herald.store.entries import EntryRecord, record_entry, unexited_entries
from herald.store.journey_progress import record_progress
from herald.store.journeys import DraftRefused, get_state, publish_journey
from herald.store.tables import JourneyVersionRow


def _journey(description: str = "", state: str = "ACTIVE") -> Journey:
    return Journey.model_validate(
        {
            "name": "drafty",
            "description": description,
            "start": "bye",
            "steps": {"bye": {"type": "exit"}},
            "state": state,
        }
    )


async def _publish(database: Database, journey: Journey) -> tuple[tuple[int, bool], str | None]:
    async with database.session() as session:
        published = await publish_journey(session, journey)
        return published, await get_state(session, journey.name)


async def test_a_draft_is_stored_then_activated_and_never_returns(database: Database) -> None:
    assert await _publish(database, _journey(state="DRAFT")) == ((1, True), "DRAFT")
    # Still a draft, edited: a new version, still DRAFT.
    assert await _publish(database, _journey("edited", "DRAFT")) == ((2, True), "DRAFT")
    # The same content without DRAFT: no new version, now ACTIVE.
    assert await _publish(database, _journey("edited")) == ((2, False), "ACTIVE")
    assert await _publish(database, _journey("edited", "DRAFT")) == ((2, False), "ACTIVE")
    with pytest.raises(DraftRefused, match="cannot return to DRAFT"):
        await _publish(database, _journey("again", "DRAFT"))
    async with database.session() as session:
        stored = (await session.execute(select(JourneyVersionRow.definition))).scalars().all()
    # The state is the journey's, not a version's: versions never carry it.
    assert len(stored) == 2 and all("state" not in d for d in stored)


async def test_unexited_entries_are_those_with_no_recorded_exit(database: Database) -> None:
    now = datetime(2026, 1, 1, tzinfo=UTC)
    async with database.session() as session:
        for who in ("ann", "bob", "cat"):
            entry = EntryRecord("j", who, 1, 1, f"journey:j:{who}", "direct", now)
            await record_entry(session, entry)
        await record_entry(session, EntryRecord("k", "ann", 1, 1, "journey:k:ann", "direct", now))
        done = JourneyExit(step_id="bye", reason="completed", at=now)
        await record_progress(
            session, JourneyProgress(workflow_id="journey:j:bob", journey="j", exit=done)
        )
    async with database.session() as session:
        left = await unexited_entries(session, "j")
        after_ann = await unexited_entries(session, "j", after="journey:j:ann")
    assert [e.participant_id for e in left] == ["ann", "cat"]
    assert [e.participant_id for e in after_ann] == ["cat"]
