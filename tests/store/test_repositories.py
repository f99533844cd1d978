"""Repositories on SQLite and PostgreSQL: what goes in comes back, versions and keys hold."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest

from herald.models import (
    EmailTemplate,
    Endpoint,
    Event,
    Journey,
    MessageChannel,
    MessageStatus,
    OutgoingMessage,
    RenderedMessage,
)
from herald.store import Database
from herald.store.endpoints import get_endpoint, upsert_endpoints
from herald.store.events import list_events, put_event
from herald.store.journeys import get_journey, publish_journey
from herald.store.messages import (
    claim_message,
    finish_message,
    get_message,
    list_messages,
    skip_pending,
)
from herald.store.outbox import add_to_outbox, list_outbox
from herald.store.templates import get_template, put_template


def _endpoint(endpoint_id: str, user_attributes: dict[str, list[str]]) -> Endpoint:
    """An endpoint written the way a Pinpoint export spells it (PascalCase keys)."""
    document: dict[str, Any] = {
        "Id": endpoint_id,
        "ChannelType": "EMAIL",
        "Address": f"{endpoint_id}@example.com",
        "User": {"UserId": "u-ann", "UserAttributes": user_attributes},
        "Attributes": {"Plan": ["pro"], "Interests": ["cats", "jazz"]},
        "Demographic": {"Timezone": "Europe/Paris", "Locale": "fr_FR", "Platform": "ios"},
        "Location": {"Country": "FR", "City": "Paris", "Latitude": 48.85, "Longitude": 2.35},
        "Metrics": {"visits": 3.0, "spend": 12.5},
        "OptOut": "NONE",
    }
    return Endpoint.model_validate(document)


def _template(subject: str) -> EmailTemplate:
    return EmailTemplate(name="hello", channel="EMAIL", subject=subject, text="Hi {{ Address }}")


def _journey(wait: str) -> Journey:
    return Journey.model_validate(
        {
            "name": "onboarding",
            "start": "nap",
            "steps": {
                "nap": {"type": "wait", "duration": wait, "next": "bye"},
                "bye": {"type": "exit"},
            },
        }
    )


def _outgoing(key: str, subject: str) -> OutgoingMessage:
    return OutgoingMessage(
        idempotency_key=key,
        channel=MessageChannel.EMAIL,
        endpoint_id="ann",
        address="ann@example.com",
        content=RenderedMessage(subject=subject, text="body"),
        journey="onboarding",
        step_id="first",
    )


async def test_endpoint_round_trips_pinpoint_fields(database: Database) -> None:
    sent = _endpoint("ann", {"FirstName": ["Ann"]})
    async with database.session() as session:
        assert await upsert_endpoints(session, [sent]) == 1
    async with database.session() as session:
        loaded = await get_endpoint(session, "ann")
    assert loaded is not None
    assert loaded == sent
    assert loaded.attributes == {"Plan": ["pro"], "Interests": ["cats", "jazz"]}
    assert loaded.demographic.timezone == "Europe/Paris"
    assert loaded.location.city == "Paris"
    assert loaded.location.latitude == pytest.approx(48.85)
    assert loaded.metrics == {"visits": 3.0, "spend": 12.5}


PARIS_WINTER = timezone(timedelta(hours=1))


async def test_endpoint_effective_date_round_trips(database: Database) -> None:
    effective = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
    sent = _endpoint("ann", {}).model_copy(update={"effective_date": effective})
    async with database.session() as session:
        await upsert_endpoints(session, [sent])
    async with database.session() as session:
        loaded = await get_endpoint(session, "ann")
    assert loaded is not None
    assert loaded.effective_date == effective


async def test_event_timestamp_with_an_offset_keeps_its_instant(database: Database) -> None:
    at = datetime(2026, 1, 2, 9, 0, tzinfo=PARIS_WINTER)
    async with database.session() as session:
        await put_event(session, Event(id="ev-1", endpoint_id="ann", event_type="t", timestamp=at))
    async with database.session() as session:
        [stored] = await list_events(session, endpoint_id="ann")
    assert stored.timestamp == at, f"{stored.timestamp.isoformat()} is not {at.isoformat()}"


async def test_upsert_replaces_an_endpoint(database: Database) -> None:
    async with database.session() as session:
        await upsert_endpoints(session, [_endpoint("ann", {})])
    changed = _endpoint("ann", {}).model_copy(
        update={"address": "new@example.com", "opt_out": "ALL", "attributes": {"Plan": ["free"]}}
    )
    async with database.session() as session:
        await upsert_endpoints(session, [changed])
    async with database.session() as session:
        loaded = await get_endpoint(session, "ann")
    assert loaded is not None
    assert (loaded.address, loaded.opt_out, loaded.attributes) == (
        "new@example.com",
        "ALL",
        {"Plan": ["free"]},
    )


async def test_user_attributes_merge_across_two_endpoints_of_one_user(database: Database) -> None:
    email = _endpoint("ann-email", {"FirstName": ["Ann"], "Team": ["blue"]})
    phone = _endpoint("ann-phone", {"FirstName": ["Annie"], "LastName": ["Lee"]})
    async with database.session() as session:
        await upsert_endpoints(session, [email])
    async with database.session() as session:
        await upsert_endpoints(session, [phone])
    merged = {"FirstName": ["Annie"], "Team": ["blue"], "LastName": ["Lee"]}
    async with database.session() as session:
        for endpoint_id in ("ann-email", "ann-phone"):
            loaded = await get_endpoint(session, endpoint_id)
            assert loaded is not None and loaded.user is not None
            assert loaded.user.user_id == "u-ann"
            assert loaded.user.user_attributes == merged


async def test_missing_endpoint_is_none(database: Database) -> None:
    async with database.session() as session:
        assert await get_endpoint(session, "nobody") is None


async def test_template_versions_only_on_change(database: Database) -> None:
    async with database.session() as session:
        assert await put_template(session, _template("Hello")) == (1, True)
    async with database.session() as session:
        assert await put_template(session, _template("Hello")) == (1, False)
    async with database.session() as session:
        assert await put_template(session, _template("Hello again")) == (2, True)
    async with database.session() as session:
        active = await get_template(session, "hello")
        pinned = await get_template(session, "hello", 1)
        missing = await get_template(session, "hello", 3)
    assert active is not None and pinned is not None
    assert active.version == 2
    assert isinstance(active.template, EmailTemplate)
    assert active.template.subject == "Hello again"
    assert pinned.version == 1
    assert isinstance(pinned.template, EmailTemplate)
    assert pinned.template.subject == "Hello"
    assert missing is None


async def test_journey_publishes_versions_only_on_change(database: Database) -> None:
    async with database.session() as session:
        assert await publish_journey(session, _journey("P3D")) == (1, True)
    async with database.session() as session:
        assert await publish_journey(session, _journey("P3D")) == (1, False)
    async with database.session() as session:
        assert await publish_journey(session, _journey("P5D")) == (2, True)
    async with database.session() as session:
        latest = await get_journey(session, "onboarding")
        first = await get_journey(session, "onboarding", 1)
    assert latest is not None and first is not None
    assert latest.version == 2
    assert latest.journey == _journey("P5D")
    assert first.version == 1
    assert first.journey == _journey("P3D")


async def test_claiming_a_key_twice_finds_the_first_claim(database: Database) -> None:
    """Asked again while PENDING (a held send), the claim takes the new attempt's time, which
    caps count by; once finished it keeps the time it went."""
    start = datetime(2026, 5, 1, 9, tzinfo=UTC)

    async def claim(hours: int) -> Any:
        async with database.session() as session:
            return await claim_message(
                session,
                idempotency_key="k-1",
                channel=MessageChannel.EMAIL,
                endpoint_id="ann",
                journey="onboarding",
                step_id="first",
                template="hello",
                at=start + timedelta(hours=hours),
            )

    first = await claim(0)
    second = await claim(2)
    assert first.status is second.status is MessageStatus.PENDING
    assert second == first.model_copy(update={"created_at": second.created_at})
    assert second.created_at == start + timedelta(hours=2)
    async with database.session() as session:
        await finish_message(session, "k-1", MessageStatus.SENT, provider="outbox")
    third = await claim(5)
    assert (third.status, third.created_at) == (MessageStatus.SENT, start + timedelta(hours=2))
    async with database.session() as session:
        rows = await list_messages(session)
    assert [m.idempotency_key for m in rows] == ["k-1"]


async def test_finish_message_records_the_outcome(database: Database) -> None:
    async with database.session() as session:
        await claim_message(
            session, idempotency_key="k-1", channel=MessageChannel.SMS, endpoint_id="ann"
        )
    async with database.session() as session:
        finished = await finish_message(
            session,
            "k-1",
            MessageStatus.SENT,
            provider="outbox",
            provider_message_id="outbox-1",
            template_version=2,
        )
    assert finished.status is MessageStatus.SENT
    async with database.session() as session:
        stored = await get_message(session, "k-1")
        by_endpoint = await list_messages(session, endpoint_id="ann")
    assert stored is not None
    assert (stored.status, stored.provider_message_id, stored.template_version) == (
        MessageStatus.SENT,
        "outbox-1",
        2,
    )
    assert by_endpoint == [stored]


async def test_finishing_an_unclaimed_key_says_which(database: Database) -> None:
    async with database.session() as session:
        with pytest.raises(LookupError, match="'never-claimed'"):
            await finish_message(session, "never-claimed", MessageStatus.SENT)


async def test_skipping_pending_claims_leaves_settled_ones_alone(database: Database) -> None:
    async with database.session() as session:
        for key in ("held", "gone"):
            await claim_message(
                session, idempotency_key=key, channel=MessageChannel.SMS, endpoint_id="ann"
            )
        await finish_message(session, "gone", MessageStatus.SENT, provider="outbox")
    async with database.session() as session:
        settled = await skip_pending(session, ["held", "gone", "never-claimed"], "left")
    assert settled == 1
    async with database.session() as session:
        rows = {m.idempotency_key: (m.status, m.reason) for m in await list_messages(session)}
    assert rows == {"held": (MessageStatus.SKIPPED, "left"), "gone": (MessageStatus.SENT, None)}


async def test_the_longest_key_a_journey_send_makes_is_stored(database: Database) -> None:
    """A user's endpoint in a journey of a 100-character name, ids of 200, a 64-character
    step, its twelfth entry: 615 characters (300 were allowed)."""
    workflow_id = f"journey:{'j' * 100}:{'u' * 200}:12"
    key = f"{workflow_id}:{'s' * 64}:{'0' * 36}:{'e' * 200}"
    assert len(key) == 615
    async with database.session() as session:
        await claim_message(
            session, idempotency_key=key, channel=MessageChannel.EMAIL, endpoint_id="e" * 200
        )
        finished = await finish_message(session, key, MessageStatus.SENT, provider="outbox")
    assert finished.idempotency_key == key


async def test_outbox_keeps_a_message_once_per_key(database: Database) -> None:
    async with database.session() as session:
        first_id = await add_to_outbox(session, _outgoing("k-1", "first"))
    async with database.session() as session:
        again_id = await add_to_outbox(session, _outgoing("k-1", "retried"))
    async with database.session() as session:
        other_id = await add_to_outbox(session, _outgoing("k-2", "other"))
        kept = await list_outbox(session)
    assert again_id == first_id
    assert other_id != first_id
    assert [(m.id, m.idempotency_key, m.content.subject) for m in kept] == [
        (first_id, "k-1", "first"),
        (other_id, "k-2", "other"),
    ]


async def test_event_with_a_repeated_id_is_stored_once(database: Database) -> None:
    at = datetime(2026, 3, 4, 5, 6, 7, tzinfo=UTC)
    event = Event(id="ev-1", endpoint_id="ann", event_type="purchase", timestamp=at)
    async with database.session() as session:
        assert await put_event(session, event) == "ev-1"
    retried = event.model_copy(update={"attributes": {"item": "changed"}})
    async with database.session() as session:
        assert await put_event(session, retried) == "ev-1"
    async with database.session() as session:
        stored = await list_events(session, endpoint_id="ann")
    assert stored == [event]
