"""Transactional sends end to end on the dev server: addresses, endpoints and users, templates
and inline content, one result per recipient, exactly once per request id."""

from __future__ import annotations

from typing import Any

import pytest

from herald.channels import ChannelRegistry
from herald.channels.config import ChannelSettings
from herald.client import NotFoundError
from herald.models import AddressProblem, Endpoint, MessageChannel
from herald.models.transactional import MessageRequest, RecipientStatus, RequestState
from herald.store import Database
from herald.store.suppressions import suppress
from herald.transactional.plan import plan_request
from herald.transactional.store import claim_request
from tests.channels.fakes.twilio import FakeTwilio
from tests.transactional.conftest import Running

UNSUBSCRIBED = "+15005550004"  # the fake Twilio refuses it with 21610: the number texted STOP
INVALID = "+15005550001"  # and this one with 21211: not a valid phone number


def _request(**fields: Any) -> MessageRequest:
    return MessageRequest.model_validate(fields)


async def test_each_recipient_gets_one_result_and_one_message(herald_running: Running) -> None:
    async with herald_running(None) as herald:
        response = await herald.send_messages(
            _request(
                request_id="order-1001",
                addresses={"+1 555 555 0199": {"channel": "SMS", "substitutions": {"n": "7"}}},
                endpoints={"ann-email": {}},
                users={"ann": {"substitutions": {"order": "A-2"}}},
                templates={"EMAIL": {"name": "receipt"}},
                content={"SMS": {"body": "Order {{ order }} is out, {{ n | default('1') }} box"}},
                substitutions={"order": "A-1"},
            )
        )
        outbox = await herald.outbox()

    assert response.state is RequestState.COMPLETE
    got = {(r.kind, r.recipient, r.endpoint_id): r for r in response.results}
    assert set(got) == {
        ("address", "+1 555 555 0199", None),
        ("endpoint", "ann-email", "ann-email"),
        ("user", "ann", "ann-email"),
        ("user", "ann", "ann-sms"),
    }
    assert {r.status for r in response.results} == {RecipientStatus.ACCEPTED}
    sent = {(m.address, m.content.subject or m.content.body) for m in outbox}
    assert sent == {
        ("+15555550199", "Order A-1 is out, 7 box"),
        ("ann@example.com", "Order A-1"),
        ("ann@example.com", "Order A-2"),
        ("+15555550100", "Order A-2 is out, 1 box"),
    }
    assert {m.idempotency_key for m in outbox} == {r.message_id for r in response.results}


async def test_a_repeated_request_id_returns_the_first_results_and_sends_nothing(
    herald_running: Running,
) -> None:
    request = _request(
        request_id="otp-42",
        endpoints={"ann-email": {}},
        templates={"EMAIL": {"name": "receipt"}},
        substitutions={"order": "B-1"},
    )
    async with herald_running(None) as herald:
        first = await herald.send_messages(request)
        # Even with different content, the id is what counts: the first request stands.
        changed = request.model_copy(update={"substitutions": {"order": "B-2"}})
        again = await herald.send_messages(changed)
        fetched = await herald.message_results("otp-42")
        outbox = await herald.outbox()

    assert (first.duplicate, again.duplicate) == (False, True)
    assert again.results == first.results == fetched.results
    assert [m.content.subject for m in outbox] == ["Order B-1"]


async def test_a_kept_request_never_started_is_not_pending_and_sending_it_again_sends_once(
    herald_running: Running,
) -> None:
    # The process stopped between keeping the request and starting its workflow. Reading
    # it sends nothing (the caller may have given up); sending it again starts the kept plan.
    request = _request(
        request_id="kept-only",
        endpoints={"ann-email": {}},
        templates={"EMAIL": {"name": "receipt"}},
        substitutions={"order": "C-1"},
    )
    async with herald_running(None) as herald:
        async with herald.database.session() as session:
            await claim_request(session, await plan_request(session, request, "kept-only"))
        with pytest.raises(NotFoundError, match="never started"):
            await herald.message_results("kept-only", wait=5)
        sent = await herald.send_messages(request)
        outbox = await herald.outbox()

    assert [r.status for r in sent.results] == [RecipientStatus.ACCEPTED]
    assert [m.content.subject for m in outbox] == ["Order C-1"]


async def test_a_number_opted_out_at_the_provider_is_opted_out_from_the_first_refusal(
    herald_running: Running,
    sqlite_database: Database,
    twilio: tuple[FakeTwilio, ChannelSettings],
) -> None:
    # A caller branches on the status (OPTED_OUT: ask them to text START; FAILED: look into
    # it), so the refusal that opts the endpoint out says so, as the sends after it do. An
    # invalid number stays FAILED: a permanent failure, its reason naming Twilio's code.
    _, channel_settings = twilio
    channels = ChannelRegistry.from_settings(channel_settings, sqlite_database)
    phones = {"stopped-sms": UNSUBSCRIBED, "bad-sms": INVALID}
    endpoints = [
        Endpoint.model_validate({"Id": i, "ChannelType": "SMS", "Address": a})
        for i, a in phones.items()
    ]
    sms = {"SMS": {"body": "Hi"}}
    try:
        async with herald_running(channels) as herald:
            await herald.upsert_endpoints(endpoints)
            first = await herald.send_messages(
                _request(endpoints={"stopped-sms": {}, "bad-sms": {}}, content=sms)
            )
            later = await herald.send_messages(_request(endpoints={"stopped-sms": {}}, content=sms))
    finally:
        await channels.aclose()

    got = {r.recipient: (r.status, r.reason or "") for r in first.results}
    assert got["stopped-sms"][0] is RecipientStatus.OPTED_OUT
    assert "21610" in got["stopped-sms"][1]
    assert got["bad-sms"][0] is RecipientStatus.FAILED
    assert "21211" in got["bad-sms"][1]
    assert [(r.status, r.reason) for r in later.results] == [
        (RecipientStatus.OPTED_OUT, "endpoint opted out")
    ]


async def test_unsendable_recipients_are_reported_and_the_rest_sent(
    herald_running: Running,
) -> None:
    async with herald_running(None) as herald:
        async with herald.database.session() as session:
            await suppress(
                session, MessageChannel.EMAIL, "gone@example.com", AddressProblem.INVALID
            )
        response = await herald.send_messages(
            _request(
                addresses={
                    "gone@example.com": {"channel": "EMAIL"},
                    "not-an-address": {"channel": "EMAIL"},
                    "carl@example.com": {"channel": "EMAIL"},
                },
                endpoints={"bob-email": {}, "nobody": {}, "ann-sms": {}},
                users={"zed": {}},
                content={"EMAIL": {"subject": "Hi", "text": "Hello {{ name }}"}},
            )
        )
    got = {r.recipient: (r.status, r.reason) for r in response.results}
    assert got["carl@example.com"][0] is RecipientStatus.FAILED  # no value for `name`
    assert "name" in (got["carl@example.com"][1] or "")
    assert got["gone@example.com"][0] is RecipientStatus.SUPPRESSED
    assert got["bob-email"][0] is RecipientStatus.OPTED_OUT
    assert got["not-an-address"][0] is RecipientStatus.FAILED
    assert "invalid address" in (got["not-an-address"][1] or "")
    assert got["nobody"] == (RecipientStatus.FAILED, "endpoint does not exist")
    assert "no content for SMS" in (got["ann-sms"][1] or "")
    assert got["zed"] == (RecipientStatus.FAILED, "user does not exist or has no endpoints")
