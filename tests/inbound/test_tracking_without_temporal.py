"""A recipient's click, open or unsubscribe is answered at once, even while Temporal is
unreachable: the event is recorded, and routed to journeys after the answer (a failed
route is logged with the event's id, which routes it when the event is put again)."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from sqlalchemy import select

from herald.api.app import create_app
from herald.client import HeraldClient
from herald.models import DEFINITION_ADAPTER
from herald.settings import Settings
from herald.store import upgrade
from herald.store.clock import utcnow
from herald.store.tables import EventRow, JourneyEntryRow
from tests.inbound.conftest import call
from tests.inbound.tracked_mail import add_eve, links, send_tracked
from tests.loopback_http import free_port, serve_app

# A journey that, after its mail, waits for a click on it (a common "clicked?" branch).
CLICKED = {
    "kind": "Journey",
    "name": "nudge",
    "start": "mail",
    "steps": {
        "mail": {"type": "send", "template": "hi", "channel": "EMAIL", "next": "clicked"},
        "clicked": {
            "type": "wait_for_event",
            "event_type": "_email.click",
            "timeout": "P3D",
            "on_event": "done",
            "on_timeout": "done",
        },
        "done": {"type": "exit"},
    },
}
HI = {"kind": "Template", "name": "hi", "channel": "EMAIL", "subject": "s", "text": "t"}


def _entered_by(event_type: str) -> dict[str, object]:
    """A journey an engagement event enters: routing it needs Temporal."""
    return {
        "kind": "Journey",
        "name": event_type.replace("_email.", "on-"),
        "start": "done",
        "steps": {"done": {"type": "exit"}},
        "settings": {"entry": {"event": {"event_type": event_type}}},
    }


async def _setup(herald: HeraldClient) -> None:
    journeys = [CLICKED, _entered_by("_email.open"), _entered_by("_email.unsubscribe")]
    await herald.apply([DEFINITION_ADAPTER.validate_python(d) for d in (HI, *journeys)])
    async with herald.database.session() as session:
        session.add(
            JourneyEntryRow(
                journey="nudge",
                participant_id="eve",
                entry_n=1,
                version=1,
                workflow_id="journey:nudge:eve",
                trigger="api",
                entered_at=utcnow(),
            )
        )


async def _unrouted(herald: HeraldClient) -> dict[str, str]:
    async with herald.database.session() as session:
        rows = await session.execute(
            select(EventRow.event_type, EventRow.id).where(EventRow.routed_at.is_(None))
        )
    return {event_type: event_id for event_type, event_id in rows}


def test_click_open_and_unsubscribe_answer_while_temporal_is_unreachable(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    settings = Settings(
        database_url=f"sqlite:///{tmp_path / 'h.db'}",
        temporal_address=f"127.0.0.1:{free_port()}",  # nothing listens: Temporal is down
    )
    upgrade(settings.resolved_database_url)
    add_eve(settings)
    call(settings, _setup)
    caplog.set_level(logging.WARNING, logger="herald.tracking")
    with serve_app(create_app(settings)) as http:
        html = '<html><body><a href="https://shop.test/sale">Sale</a></body></html>'
        kept = call(settings, lambda h: send_tracked(h, str(http.base_url), html))
        [click], pixel, unsubscribe = links(kept)
        followed = http.get(click, follow_redirects=False)
        opened = http.get(pixel)
        unsubscribed = http.post(unsubscribe, data={"List-Unsubscribe": "One-Click"})
    # The server has stopped: the routes after the answers have run (and failed).

    assert followed.status_code == 302, followed.text
    assert followed.headers["location"] == "https://shop.test/sale"
    assert (opened.status_code, opened.headers["content-type"]) == (200, "image/gif")
    assert unsubscribed.json() == {"status": "unsubscribed"}
    unrouted = call(settings, _unrouted)
    assert sorted(unrouted) == ["_email.click", "_email.open", "_email.unsubscribe"]
    logged = " ".join(r.getMessage() for r in caplog.records)
    for event_id in unrouted.values():
        assert f"or put it again with Id {event_id}" in logged
