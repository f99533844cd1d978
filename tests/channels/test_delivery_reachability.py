"""Delivery through a real provider: an address the provider refuses for good marks the
endpoint and suppresses the address; Retry-After reaches Temporal as the next retry's delay."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
from starlette.responses import JSONResponse
from temporalio.exceptions import ApplicationError
from temporalio.testing import ActivityEnvironment

from activities import SendActivities
from herald.channels import ChannelRegistry
from herald.channels.config import ChannelSettings
from herald.channels.config_http import TwilioSettings
from herald.delivery import RetryableSendError, deliver
from herald.models import Endpoint, MessageChannel, SendOutcome, SendRequest, SmsTemplate
from herald.store import Database
from herald.store.endpoints import get_endpoint, upsert_endpoints
from herald.store.suppressions import find_suppression
from herald.store.templates import put_template
from tests.channels.fakes.twilio import FakeTwilio
from tests.channels.serving import serve

SID, TOKEN = "AC" + "2" * 32, "delivery-token"


@pytest.fixture
async def twilio(database: Database) -> AsyncIterator[tuple[FakeTwilio, ChannelRegistry]]:
    fake = FakeTwilio(SID, TOKEN)
    async with serve(fake.app) as url:
        twilio = TwilioSettings(
            provider="twilio",
            account_sid=SID,
            auth_token=TOKEN,
            from_number="+15550001111",
            base_url=url,
        )
        registry = ChannelRegistry.from_settings(ChannelSettings(sms=twilio), database)
        yield fake, registry
        await registry.aclose()


async def _seed(database: Database, *endpoints: tuple[str, str]) -> None:
    async with database.session() as session:
        await upsert_endpoints(
            session, [Endpoint(id=i, channel_type="SMS", address=a) for i, a in endpoints]
        )
        await put_template(session, SmsTemplate(name="code", channel="SMS", body="Your code: 1234"))


def _request(endpoint_id: str, key: str) -> SendRequest:
    return SendRequest(
        idempotency_key=key, endpoint_id=endpoint_id, channel=MessageChannel.SMS, template="code"
    )


async def test_an_invalid_number_marks_the_endpoint_and_suppresses_the_address(
    database: Database, twilio: tuple[FakeTwilio, ChannelRegistry]
) -> None:
    fake, registry = twilio
    await _seed(database, ("bad", "+15005550001"), ("bad-too", "+15005550001"))
    failed = await deliver(database, registry, _request("bad", "k-1"))
    skipped = await deliver(database, registry, _request("bad-too", "k-2"))

    assert failed.outcome is SendOutcome.FAILED
    assert failed.reason is not None and "twilio rejected To" in failed.reason
    async with database.session() as session:
        endpoint = await get_endpoint(session, "bad")
        listed = await find_suppression(session, MessageChannel.SMS, "+15005550001")
    assert endpoint is not None and endpoint.endpoint_status == "INACTIVE"
    assert listed is not None and listed.reason == "INVALID"
    assert (skipped.outcome, skipped.reason) == (
        SendOutcome.SKIPPED,
        "address suppressed on SMS: INVALID",
    )
    assert fake.accepted == []


async def test_an_opt_out_at_the_provider_opts_the_endpoint_out(
    database: Database, twilio: tuple[FakeTwilio, ChannelRegistry]
) -> None:
    _, registry = twilio
    await _seed(database, ("stopped", "+15005550004"))
    await deliver(database, registry, _request("stopped", "k-1"))
    again = await deliver(database, registry, _request("stopped", "k-2"))

    async with database.session() as session:
        endpoint = await get_endpoint(session, "stopped")
    assert endpoint is not None and endpoint.opt_out == "ALL"
    assert (again.outcome, again.reason) == (SendOutcome.SKIPPED, "endpoint opted out")


async def test_retry_after_becomes_the_activitys_next_retry_delay(
    database: Database, twilio: tuple[FakeTwilio, ChannelRegistry]
) -> None:
    fake, registry = twilio
    await _seed(database, ("ann", "+15555550100"))
    throttled = JSONResponse(
        {"code": 20429, "message": "Too Many Requests"}, 429, {"Retry-After": "42"}
    )
    fake.fail_next += [throttled, throttled]
    with pytest.raises(RetryableSendError) as raised:
        await deliver(database, registry, _request("ann", "k-1"))
    assert raised.value.retry_after == 42.0

    activity = SendActivities(database, registry).send_message
    with pytest.raises(ApplicationError) as failure:
        await ActivityEnvironment().run(activity, _request("ann", "k-1"))
    assert (failure.value.non_retryable, failure.value.next_retry_delay) == (
        False,
        timedelta(seconds=42),
    )

    sent = await ActivityEnvironment().run(activity, _request("ann", "k-1"))
    assert sent.outcome is SendOutcome.SENT
    assert [m["To"] for m in fake.accepted] == ["+15555550100"]
