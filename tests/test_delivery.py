"""`deliver`: one SendRequest becomes one rendered message in the outbox, exactly once."""

from __future__ import annotations

from typing import Any

import pytest

from herald.channels import ChannelRegistry
from herald.delivery import PermanentSendError, deliver
from herald.models import (
    EmailTemplate,
    Endpoint,
    Event,
    MessageChannel,
    MessageRecord,
    MessageStatus,
    OutboxMessage,
    SendOutcome,
    SendRequest,
)
from herald.store import Database
from herald.store.endpoints import upsert_endpoints
from herald.store.events import list_events
from herald.store.messages import list_messages
from herald.store.outbox import list_outbox
from herald.store.templates import put_template


def _ann(**changes: Any) -> Endpoint:
    document: dict[str, Any] = {
        "Id": "ann",
        "ChannelType": "EMAIL",
        "Address": "ann@example.com",
        "User": {"UserId": "u-ann", "UserAttributes": {"FirstName": ["Ann"]}},
        "Attributes": {"Plan": ["pro"]},
        **changes,
    }
    return Endpoint.model_validate(document)


HELLO = EmailTemplate(
    name="hello",
    channel="EMAIL",
    subject="Hello {{ User.UserAttributes.FirstName }}",
    text="Plan: {{ Attributes.Plan }}. {{ extra }}",
    default_substitutions={"extra": "Welcome!"},
)


def _request(key: str = "onboarding:ann:first", **changes: Any) -> SendRequest:
    fields: dict[str, Any] = {
        "idempotency_key": key,
        "endpoint_id": "ann",
        "channel": MessageChannel.EMAIL,
        "template": "hello",
        "journey": "onboarding",
        "journey_version": 1,
        "step_id": "first",
        **changes,
    }
    return SendRequest.model_validate(fields)


async def _seed(database: Database, endpoint: Endpoint, template: EmailTemplate = HELLO) -> None:
    async with database.session() as session:
        await upsert_endpoints(session, [endpoint])
        await put_template(session, template)


async def _outbox(database: Database) -> list[OutboxMessage]:
    async with database.session() as session:
        return await list_outbox(session)


async def _messages(database: Database) -> list[MessageRecord]:
    async with database.session() as session:
        return await list_messages(session)


async def _send_events(database: Database) -> list[Event]:
    async with database.session() as session:
        return await list_events(session, endpoint_id="ann", event_type="_email.send")


async def test_a_send_renders_into_the_outbox(database: Database) -> None:
    await _seed(database, _ann())
    result = await deliver(database, ChannelRegistry.outbox_for_all(database), _request())

    assert result.outcome is SendOutcome.SENT
    assert result.duplicate is False
    [sent] = await _outbox(database)
    assert (sent.address, sent.content.subject, sent.content.text) == (
        "ann@example.com",
        "Hello Ann",
        "Plan: pro. Welcome!",
    )
    assert result.provider_message_id == f"outbox-{sent.id}"
    [record] = await _messages(database)
    assert (record.status, record.template_version) == (MessageStatus.SENT, 1)


async def test_the_same_request_twice_sends_once(database: Database) -> None:
    await _seed(database, _ann())
    channels = ChannelRegistry.outbox_for_all(database)
    first = await deliver(database, channels, _request())
    again = await deliver(database, channels, _request())

    assert again.duplicate is True
    assert again.outcome is SendOutcome.SENT
    assert again.provider_message_id == first.provider_message_id
    assert len(await _outbox(database)) == 1
    assert len(await _messages(database)) == 1


async def test_an_opted_out_endpoint_is_skipped(database: Database) -> None:
    await _seed(database, _ann(OptOut="ALL"))
    result = await deliver(database, ChannelRegistry.outbox_for_all(database), _request())

    assert result.outcome is SendOutcome.SKIPPED
    assert result.reason is not None and "opted out" in result.reason
    assert await _outbox(database) == []
    [record] = await _messages(database)
    assert record.status is MessageStatus.SKIPPED
    assert await _send_events(database) == []


async def test_an_unknown_endpoint_fails_naming_it(database: Database) -> None:
    await _seed(database, _ann())
    request = _request(endpoint_id="nobody")
    with pytest.raises(PermanentSendError, match="endpoint 'nobody' does not exist"):
        await deliver(database, ChannelRegistry.outbox_for_all(database), request)

    [record] = await _messages(database)
    assert record.status is MessageStatus.FAILED
    assert record.reason is not None and "'nobody'" in record.reason
    assert await _outbox(database) == []


async def test_an_unknown_template_fails_naming_it(database: Database) -> None:
    await _seed(database, _ann())
    request = _request(template="no-such-template")
    with pytest.raises(PermanentSendError, match="template 'no-such-template' does not exist"):
        await deliver(database, ChannelRegistry.outbox_for_all(database), request)

    [record] = await _messages(database)
    assert record.status is MessageStatus.FAILED
    assert record.reason is not None and "'no-such-template'" in record.reason
    assert await _outbox(database) == []


async def test_a_retry_of_a_failed_send_stays_failed(database: Database) -> None:
    await _seed(database, _ann())
    channels = ChannelRegistry.outbox_for_all(database)
    with pytest.raises(PermanentSendError):
        await deliver(database, channels, _request(template="no-such-template"))
    again = await deliver(database, channels, _request(template="no-such-template"))

    assert (again.outcome, again.duplicate) == (SendOutcome.FAILED, True)
    assert again.reason is not None and "'no-such-template'" in again.reason


async def test_a_variable_nobody_supplies_fails_naming_template_and_part(
    database: Database,
) -> None:
    coupon = EmailTemplate(
        name="coupon", channel="EMAIL", subject="A gift", text="Use {{ coupon_code }} today"
    )
    await _seed(database, _ann(), coupon)
    request = _request(template="coupon")
    with pytest.raises(PermanentSendError) as raised:
        await deliver(database, ChannelRegistry.outbox_for_all(database), request)

    message = str(raised.value)
    assert "'coupon'" in message
    assert "(text)" in message
    assert "coupon_code" in message
    assert await _outbox(database) == []
    [record] = await _messages(database)
    assert record.status is MessageStatus.FAILED


async def test_a_send_event_is_recorded_once_per_sent_message(database: Database) -> None:
    await _seed(database, _ann())
    channels = ChannelRegistry.outbox_for_all(database)
    first = await deliver(database, channels, _request("onboarding:ann:first"))
    await deliver(database, channels, _request("onboarding:ann:first"))
    second = await deliver(database, channels, _request("onboarding:ann:second", step_id="second"))

    events = await _send_events(database)
    sent_ids = [first.provider_message_id, second.provider_message_id]
    assert None not in sent_ids
    assert sorted(e.attributes["message_id"] for e in events) == sorted(filter(None, sent_ids))
    assert {e.attributes["journey_id"] for e in events} == {"onboarding"}
    assert {e.attributes["template"] for e in events} == {"hello"}
