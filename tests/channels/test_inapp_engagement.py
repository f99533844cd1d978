"""In-app engagement as an app reports it: displays and clicks count in the metrics of the
journey step or campaign that sent the message, even after the app dismissed it or it
expired, and are answered at once while Temporal is unreachable."""

from __future__ import annotations

from datetime import timedelta

import httpx
from sqlalchemy import update

from herald.analytics.record import record_send
from herald.api.app import create_app
from herald.channels.config_local import InAppSettings
from herald.channels.inapp import InAppProvider
from herald.client import HeraldClient
from herald.metrics import campaign_metrics
from herald.models import DEFINITION_ADAPTER, Endpoint, MessageChannel, MessageStatus
from herald.settings import Settings
from herald.store import Database
from herald.store.clock import utcnow
from herald.store.messages import claim_message, finish_message
from herald.store.tables import CampaignRow, InAppMessageRow, JourneyEntryRow
from tests.channels.messages import outgoing
from tests.loopback_http import free_port

HI = {"kind": "Template", "name": "hi", "channel": "IN_APP", "header": "Hi", "body": "there"}


async def _sent_in_app(herald: HeraldClient, key: str, campaign: str | None = None) -> int:
    """An in-app message sent by journey `welcome` step `first` (or by `campaign`), as the
    worker records it: claimed, sent, logged SENT, its send event recorded."""
    message = outgoing(
        MessageChannel.IN_APP, "ann", key=key, in_app={"header": "Hi", "body": "there"}
    )
    if campaign is not None:
        message = message.model_copy(update={"journey": None, "step_id": None})
    provider = InAppProvider(herald.database, InAppSettings(provider="in_app"))
    async with herald.database.session() as session:
        await claim_message(
            session,
            idempotency_key=key,
            channel=MessageChannel.IN_APP,
            endpoint_id="ann",
            journey=message.journey,
            step_id=message.step_id,
            campaign=campaign,
        )
    [result] = await provider.send([message])
    async with herald.database.session() as session:
        record = await finish_message(
            session,
            key,
            MessageStatus.SENT,
            provider=result.provider,
            provider_message_id=result.provider_message_id,
            address="ann",
        )
        await record_send(session, record)
    return int(str(result.provider_message_id).removeprefix("in-app-"))


async def _herald(
    database: Database, settings: Settings | None = None
) -> tuple[HeraldClient, httpx.AsyncClient]:
    settings = settings or Settings(database_url=database.url)
    herald = HeraldClient(settings, database)
    app = create_app(settings)
    app.state.herald = herald
    ann = Endpoint.model_validate({"Id": "ann", "ChannelType": "IN_APP", "Address": "ann"})
    await herald.upsert_endpoints([ann])
    token = {"X-Herald-Endpoint-Token": await herald.in_app_token("ann")}
    http = httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://herald", headers=token
    )
    return herald, http


async def _welcome(herald: HeraldClient) -> None:
    journey = {
        "kind": "Journey",
        "name": "welcome",
        "start": "first",
        "steps": {"first": {"type": "send", "template": "hi", "channel": "IN_APP"}},
    }
    await herald.apply([DEFINITION_ADAPTER.validate_python(d) for d in (HI, journey)])


async def test_in_app_display_and_click_count_in_the_journey_funnel(
    sqlite_database: Database,
) -> None:
    herald, http = await _herald(sqlite_database)
    await _welcome(herald)
    message_id = await _sent_in_app(herald, "journey:welcome:ann:first:1")
    async with http:
        shown = await http.post(f"/v1/in-app/ann/{message_id}/events", json={"type": "display"})
        clicked = await http.post(f"/v1/in-app/ann/{message_id}/events", json={"type": "click"})
    assert (shown.status_code, clicked.status_code) == (202, 202)

    metrics = await herald.journey_metrics("welcome")
    first = {s.step_id: s for s in metrics.steps}["first"]
    # The app displayed and clicked the message the journey's step sent.
    assert (first.sent, first.opened, first.clicked) == (1, 1, 1)


async def test_in_app_display_and_click_count_for_the_campaign(sqlite_database: Database) -> None:
    herald, http = await _herald(sqlite_database)
    spring = DEFINITION_ADAPTER.validate_python(
        {
            "kind": "Campaign",
            "name": "spring",
            "segment": "everyone",
            "messages": [{"channel": "IN_APP", "inline": {"header": "Hi", "body": "there"}}],
        }
    )
    async with sqlite_database.session() as session:
        now = utcnow()
        session.add(
            CampaignRow(
                name="spring",
                definition=spring.model_dump(mode="json"),
                state="COMPLETED",
                created_at=now,
                updated_at=now,
            )
        )
    message_id = await _sent_in_app(herald, "campaign:spring:ann", campaign="spring")
    async with http:
        for kind in ("display", "click"):
            answer = await http.post(f"/v1/in-app/ann/{message_id}/events", json={"type": kind})
            assert answer.status_code == 202, answer.text

    async with sqlite_database.session() as session:
        metrics = await campaign_metrics(session, "spring")
    [treatment] = metrics.treatments
    assert (treatment.sent, treatment.opened, treatment.clicked) == (1, 1, 1)


async def test_a_click_after_the_app_dismissed_the_shown_message_is_recorded(
    sqlite_database: Database,
) -> None:
    """README: apps 'dismiss with DELETE' what they showed; a click on the message (or on
    its button) that the user makes after that is still engagement with that message."""
    herald, http = await _herald(sqlite_database)
    message_id = await _sent_in_app(herald, "k-dismissed")
    events = f"/v1/in-app/ann/{message_id}/events"
    async with http:
        assert (await http.post(events, json={"type": "display"})).status_code == 202
        assert (await http.delete(f"/v1/in-app/ann/{message_id}")).status_code == 204
        clicked = await http.post(events, json={"type": "click", "button": "b1"})
        dismissed_again = await http.post(events, json={"type": "dismiss"})
    assert clicked.status_code == 202, clicked.text
    assert dismissed_again.status_code == 404  # a dismiss is for a live message only
    [click] = await herald.events("ann", "_inapp.click")
    assert click.attributes["button"] == "b1"


async def test_a_click_on_an_expired_message_is_recorded_even_once_it_is_deleted(
    sqlite_database: Database,
) -> None:
    herald, http = await _herald(sqlite_database)
    message_id = await _sent_in_app(herald, "k-expired")
    async with sqlite_database.session() as session:
        await session.execute(
            update(InAppMessageRow)
            .where(InAppMessageRow.id == message_id)
            .values(expires_at=utcnow() - timedelta(minutes=1))
        )
    events = f"/v1/in-app/ann/{message_id}/events"
    async with http:
        shown = await http.post(events, json={"type": "display"})
        dismissed = await http.post(events, json={"type": "dismiss"})
        await _sent_in_app(herald, "k-next")  # the next send deletes the expired one
        clicked = await http.post(events, json={"type": "click"})
        unknown = await http.post(
            f"/v1/in-app/ann/{message_id + 99}/events", json={"type": "click"}
        )
    assert (shown.status_code, dismissed.status_code) == (202, 404)
    async with sqlite_database.session() as session:
        assert await session.get(InAppMessageRow, message_id) is None  # the log still has it
    assert clicked.status_code == 202, clicked.text
    assert unknown.status_code == 404
    [click] = await herald.events("ann", "_inapp.click")
    assert click.attributes["message_key"] == "k-expired"


async def test_an_in_app_click_is_answered_while_temporal_is_unreachable(
    sqlite_database: Database,
) -> None:
    settings = Settings(
        database_url=sqlite_database.url,
        temporal_address=f"127.0.0.1:{free_port()}",  # nothing listens: Temporal is down
    )
    herald, http = await _herald(sqlite_database, settings)
    waits = {
        "kind": "Journey",
        "name": "tapped",
        "start": "tap",
        "steps": {
            "tap": {
                "type": "wait_for_event",
                "event_type": "_inapp.click",
                "timeout": "P1D",
                "on_event": "done",
                "on_timeout": "done",
            },
            "done": {"type": "exit"},
        },
    }
    await herald.apply([DEFINITION_ADAPTER.validate_python(waits)])
    async with sqlite_database.session() as session:
        session.add(
            JourneyEntryRow(
                journey="tapped",
                participant_id="ann",
                entry_n=1,
                version=1,
                workflow_id="journey:tapped:ann",
                trigger="api",
                entered_at=utcnow(),
            )
        )
    message_id = await _sent_in_app(herald, "k-tap")
    async with http:
        clicked = await http.post(f"/v1/in-app/ann/{message_id}/events", json={"type": "click"})
    assert clicked.status_code == 202, clicked.text
    assert [e.event_type for e in await herald.events("ann")] == ["_inapp.send", "_inapp.click"]
