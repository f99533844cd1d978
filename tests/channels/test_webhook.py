"""The custom channel: JSON POSTed to a loopback receiver that verifies the HMAC signature."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from pydantic import ValidationError
from starlette.responses import JSONResponse

from herald.channels.config_http import WebhookSettings
from herald.channels.webhook import WebhookProvider
from herald.models import AddressProblem, DeliveryStatus, MessageChannel
from tests.channels.fakes.webhook import FakeWebhook
from tests.channels.messages import assert_secrets_hidden, outgoing
from tests.channels.serving import serve

SECRET = "webhook-hmac-secret-never-logged"


@pytest.fixture
async def hook() -> AsyncIterator[tuple[FakeWebhook, WebhookSettings]]:
    fake = FakeWebhook(SECRET)
    async with serve(fake.app) as url:
        yield fake, WebhookSettings(provider="webhook", url=f"{url}/hook", secret=SECRET, timeout=5)


async def test_a_signed_message_is_accepted_with_the_receivers_id(
    hook: tuple[FakeWebhook, WebhookSettings], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level("DEBUG")
    fake, settings = hook
    provider = WebhookProvider(settings)
    message = outgoing(MessageChannel.CUSTOM, "crm:42", body="hello", data={"score": 3})
    [result] = await provider.send([message])

    assert (result.status, result.provider_message_id) == (DeliveryStatus.ACCEPTED, "wh-1")
    [got] = fake.accepted
    assert (got["key"], got["idempotency_key"], got["address"]) == (
        message.idempotency_key,
        message.idempotency_key,
        "crm:42",
    )
    assert got["content"] == {"body": "hello", "data": {"score": 3}, "reply_to": [], "headers": {}}
    assert_secrets_hidden(caplog, SECRET, seen=[provider, settings, result])


async def test_a_wrong_secret_is_refused_by_the_receiver(
    hook: tuple[FakeWebhook, WebhookSettings],
) -> None:
    fake, settings = hook
    provider = WebhookProvider(
        settings.model_copy(update={"secret": settings.secret.__class__("other")})
    )
    [result] = await provider.send([outgoing(MessageChannel.CUSTOM, "crm:42", body="x")])

    assert result.status is DeliveryStatus.RETRYABLE
    assert fake.accepted == []


@pytest.mark.parametrize(
    ("status", "expected", "problem"),
    [
        (422, DeliveryStatus.PERMANENT, None),
        (410, DeliveryStatus.PERMANENT, AddressProblem.INVALID),
        (503, DeliveryStatus.RETRYABLE, None),
    ],
)
async def test_the_receivers_answer_is_classified(
    hook: tuple[FakeWebhook, WebhookSettings],
    status: int,
    expected: DeliveryStatus,
    problem: AddressProblem | None,
) -> None:
    fake, settings = hook
    fake.fail_next.append(
        JSONResponse({"field": "address", "error": "unknown"}, status, {"Retry-After": "3"})
    )
    [result] = await WebhookProvider(settings).send(
        [outgoing(MessageChannel.CUSTOM, "crm:42", body="x")]
    )

    assert (result.status, result.address_problem) == (expected, problem)
    if expected is DeliveryStatus.PERMANENT:
        assert result.reason is not None and '"field":"address"' in result.reason
    else:
        assert result.retry_after == 3.0


def test_a_plain_http_url_off_loopback_is_refused() -> None:
    with pytest.raises(ValidationError, match="must be https://") as raised:
        WebhookSettings(provider="webhook", url="http://hooks.example.com/x", secret=SECRET)
    assert SECRET not in str(raised.value)
