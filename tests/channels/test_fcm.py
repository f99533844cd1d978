"""FCM HTTP v1 against loopback servers for Google's token endpoint (which verifies the
service account's RS256 JWT with its public key) and the send endpoint."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from starlette.responses import JSONResponse

from herald.channels.config_http import FcmSettings
from herald.channels.fcm import FcmProvider
from herald.models import AddressProblem, DeliveryStatus, MessageChannel
from tests.channels.fakes.fcm import FakeFcm
from tests.channels.keys import pem
from tests.channels.messages import assert_secrets_hidden, outgoing
from tests.channels.serving import serve

EMAIL = "herald@herald-test.iam.gserviceaccount.com"
PROJECT = "herald-test"


@pytest.fixture
async def fcm(
    rsa_key: rsa.RSAPrivateKey, tmp_path: Path
) -> AsyncIterator[tuple[FakeFcm, FcmSettings]]:
    fake = FakeFcm(rsa_key.public_key(), EMAIL, PROJECT)
    async with serve(fake.app) as url:
        fake.base_url = url
        account = {
            "type": "service_account",
            "project_id": PROJECT,
            "private_key_id": "key-1",
            "private_key": pem(rsa_key),
            "client_email": EMAIL,
            "token_uri": f"{url}/token",
        }
        path = tmp_path / "service-account.json"
        path.write_text(json.dumps(account))
        yield fake, FcmSettings(service_account_file=path, base_url=url, timeout=5)


async def test_a_push_is_accepted_with_the_fcm_name(
    fcm: tuple[FakeFcm, FcmSettings], rsa_key: rsa.RSAPrivateKey, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level("DEBUG")
    fake, settings = fcm
    provider = FcmProvider(settings)
    message = outgoing(
        MessageChannel.PUSH,
        "device-token-1",
        title="Hello",
        body="Your order shipped",
        push={
            "action": "URL",
            "url": "https://example.com/o/1",
            "time_to_live": 600,
            "data": {"order": "1"},
        },
    )
    first, second = await provider.send(
        [message, message.model_copy(update={"idempotency_key": "k2"})]
    )
    await provider.aclose()

    assert first.status is DeliveryStatus.ACCEPTED, first.reason
    assert first.provider_message_id == fake.accepted[0]["name"]
    sent = fake.accepted[0]
    assert sent["token"] == "device-token-1"
    assert sent["notification"] == {"title": "Hello", "body": "Your order shipped"}
    assert sent["data"] == {
        "order": "1",
        "herald.action": "URL",
        "herald.url": "https://example.com/o/1",
    }
    assert sent["android"] == {"ttl": "600s"}
    assert second.status is DeliveryStatus.ACCEPTED
    assert len(fake.assertions) == 1, "the access token is reused until it nears expiry"
    assert fake.assertions[0]["header"]["kid"] == "key-1"
    private = pem(rsa_key)
    assert_secrets_hidden(
        caplog, private, private.splitlines()[1], seen=[provider, settings, first]
    )


async def test_an_unregistered_token_marks_the_endpoint(fcm: tuple[FakeFcm, FcmSettings]) -> None:
    _, settings = fcm
    [result] = await FcmProvider(settings).send(
        [outgoing(MessageChannel.PUSH, "unregistered-token", body="x")]
    )

    assert (result.status, result.address_problem) == (
        DeliveryStatus.PERMANENT,
        AddressProblem.INVALID,
    )
    assert result.reason is not None and "UNREGISTERED" in result.reason


async def test_a_bad_field_is_permanent_naming_it(fcm: tuple[FakeFcm, FcmSettings]) -> None:
    _, settings = fcm
    message = outgoing(
        MessageChannel.PUSH, "device-token-1", body="x", push={"fcm": {"android": {"ttl": 5}}}
    )
    [result] = await FcmProvider(settings).send([message])

    assert result.status is DeliveryStatus.PERMANENT
    assert result.reason is not None and result.reason.startswith(
        "fcm rejected message.android.ttl (400"
    )
    assert result.address_problem is None


async def test_quota_exceeded_is_retryable_after_retry_after(
    fcm: tuple[FakeFcm, FcmSettings],
) -> None:
    fake, settings = fcm
    error = {
        "error": {"code": 429, "status": "RESOURCE_EXHAUSTED", "message": "quota", "details": []}
    }
    fake.fail_next.append(JSONResponse(error, 429, {"Retry-After": "30"}))
    [result] = await FcmProvider(settings).send(
        [outgoing(MessageChannel.PUSH, "device-token-1", body="x")]
    )

    assert (result.status, result.retry_after) == (DeliveryStatus.RETRYABLE, 30.0)


async def test_a_key_the_token_endpoint_does_not_know_is_retryable(
    fcm: tuple[FakeFcm, FcmSettings], tmp_path: Path
) -> None:
    _, settings = fcm
    assert settings.service_account_file is not None
    account = json.loads(settings.service_account_file.read_text())
    account["private_key"] = pem(rsa.generate_private_key(public_exponent=65537, key_size=2048))
    other = tmp_path / "other.json"
    other.write_text(json.dumps(account))
    provider = FcmProvider(settings.model_copy(update={"service_account_file": other}))
    [result] = await provider.send([outgoing(MessageChannel.PUSH, "device-token-1", body="x")])

    assert result.status is DeliveryStatus.RETRYABLE
    assert result.reason is not None and "invalid_grant" in result.reason
    assert "SERVICE_ACCOUNT_FILE" in result.reason
