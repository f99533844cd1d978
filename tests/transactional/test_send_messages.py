"""Transactional sends end to end on the dev server: addresses, endpoints and users, templates
and inline content, one result per recipient, exactly once per request id."""

from __future__ import annotations

from typing import Any

from herald.models import AddressProblem, MessageChannel
from herald.models.transactional import MessageRequest, RecipientStatus, RequestState
from herald.store.suppressions import suppress
from tests.transactional.conftest import Running


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
