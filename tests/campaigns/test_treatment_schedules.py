"""A treatment with its own schedule sends at its own time within the campaign's run (its
local time, its end) under time skipping; bad treatment schedules are refused at apply."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from herald.definitions import DefinitionError, validate_documents
from herald.store import Database
from herald.store.campaigns import run_tally
from tests.campaigns.harness import (
    SEGMENT,
    TEMPLATE,
    add_endpoints,
    assignment_sizes,
    campaign,
    finished,
    message_counts,
    sent_at,
    unique,
)
from tests.helpers import eventually
from tests.workflows.engine import Engine

B_MESSAGE = {"channel": "EMAIL", "inline": {"subject": "B for {{ Id }}", "text": "b"}}


def with_b(name: str, b_schedule: dict[str, Any], **fields: Any) -> dict[str, Any]:
    b = {"name": "b", "size_percent": 50, "messages": [B_MESSAGE], "schedule": b_schedule}
    return campaign(name, treatments=[b], **fields)


async def test_a_later_treatment_sends_at_its_own_time(
    engine: Engine, sqlite_database: Database
) -> None:
    await add_endpoints(sqlite_database, 60)
    name = unique()
    a_time = (await engine.now() + timedelta(days=1)).replace(microsecond=0)
    b_time = a_time + timedelta(hours=6)
    doc = with_b(name, {"start_time": b_time}, schedule={"start_time": a_time})
    await engine.apply(SEGMENT, TEMPLATE, doc)
    await engine.skip(timedelta(days=1, minutes=1))
    sizes = await assignment_sizes(sqlite_database, name)
    status = await eventually(
        lambda: engine.herald.campaign_status(name),
        lambda s: bool(s.runs) and s.runs[0].sent == sizes["default"],
        what="treatment default sent",
    )
    # A is out; B waits in the run for its own time, and nothing of B has gone.
    assert await message_counts(sqlite_database, name) == {("SENT", "default"): sizes["default"]}
    [run] = status.runs
    assert (run.state.value, run.remaining, run.next_due) == ("EXECUTING", sizes["b"], b_time)
    await engine.skip(timedelta(hours=6, minutes=1))
    await finished(engine, name)
    counts = await message_counts(sqlite_database, name)
    assert counts == {("SENT", "default"): sizes["default"], ("SENT", "b"): sizes["b"]}
    times = await sent_at(sqlite_database, name)
    b_ids = {e for e, t in times.items() if t >= b_time}
    assert len(b_ids) == sizes["b"] and {times[e] for e in b_ids} == {b_time}
    assert all(
        a_time <= t < a_time + timedelta(hours=1) for e, t in times.items() if e not in b_ids
    )
    assert (await engine.herald.campaign_status(name)).state.value == "COMPLETED"


async def test_a_treatments_local_time_and_end_time(
    engine: Engine, sqlite_database: Database
) -> None:
    """B sends at 10:00 on each endpoint's wall and ends at 12:00 UTC: Tokyo's 10:00 (01:00
    UTC) comes in time, New York's (14:00 or 15:00 UTC) does not and is skipped."""
    await add_endpoints(sqlite_database, 40, timezone="Asia/Tokyo", prefix="tokyo")
    await add_endpoints(sqlite_database, 40, timezone="America/New_York", prefix="ny")
    name = unique()
    day = (await engine.now() + timedelta(days=2)).date()
    ten = datetime(day.year, day.month, day.day, 10, 0, tzinfo=UTC)
    b_schedule = {"start_time": ten, "local_time": True, "end_time": ten + timedelta(hours=2)}
    await engine.apply(SEGMENT, TEMPLATE, with_b(name, b_schedule))  # the run starts at once
    await engine.skip(timedelta(days=3))
    await finished(engine, name)
    times = await sent_at(sqlite_database, name)
    async with sqlite_database.session() as session:
        tally = await run_tally(session, name, "once")
    b_sent = {e: t for e, t in times.items() if t > ten - timedelta(days=1)}
    assert b_sent and all(e.startswith("tokyo") for e in b_sent)
    assert set(b_sent.values()) == {ten - timedelta(hours=9)}
    ended = f"skipped: treatment 'b' schedule ended at {(ten + timedelta(hours=2)).isoformat()}"
    assert tally[ended] == tally["skipped"] > 0
    counts = await message_counts(sqlite_database, name)
    assert counts[("SENT", "b")] == len(b_sent)


def refused(doc: dict[str, Any]) -> str:
    with pytest.raises(DefinitionError) as error:
        validate_documents([doc], "promo.yaml")
    return "\n".join(error.value.problems)


START = "2030-03-01T09:00:00Z"


@pytest.mark.parametrize(
    ("b_schedule", "campaign_schedule", "expected"),
    [
        (
            {"start_time": START, "end_time": "2030-02-01T09:00:00Z"},
            {},
            "treatments.0.schedule: end_time: must be after start_time",
        ),
        ({"timezone": "Mars/Olympus"}, {}, "treatments.0.schedule.timezone: unknown timezone"),
        ({"cron": "0 25 * * *"}, {}, "treatments.0.schedule.cron: cron '0 25"),
        (
            {"frequency": "DAILY"},
            {"start_time": START},
            "treatments[0].schedule.frequency: DAILY is not schedule.frequency ONCE",
        ),
        (
            {"start_time": "2030-03-01T08:00:00Z"},
            {"start_time": START},
            "treatments[0].schedule.start_time: before schedule.start_time",
        ),
        (
            {"start_time": "2030-03-02T10:00:00Z"},
            {"start_time": START, "frequency": "DAILY"},
            "treatments[0].schedule.start_time: 1 day, 1:00:00 after schedule.start_time; "
            "must be less than one DAILY period",
        ),
        (
            {"start_time": START},
            {"frequency": "WEEKLY"},
            "treatments[0].schedule.start_time: needs schedule.start_time",
        ),
        (
            {"start_time": START},
            {"frequency": "EVENT", "event": {"event_type": "buy"}},
            "treatments[0].schedule: not with frequency EVENT",
        ),
    ],
)
def test_bad_treatment_schedules_are_refused_naming_the_field(
    b_schedule: dict[str, Any], campaign_schedule: dict[str, Any], expected: str
) -> None:
    assert expected in refused(with_b("promo", b_schedule, schedule=campaign_schedule))


def test_a_treatment_past_the_maximum_duration_is_refused() -> None:
    doc = with_b(
        "promo",
        {"start_time": "2030-03-01T12:00:00Z"},
        schedule={"start_time": START},
        limits={"maximum_duration": "PT2H"},
    )
    assert "treatments[0].schedule.start_time: 3:00:00 after the run starts" in refused(doc)
