"""APNs over HTTP/2 and TLS against a loopback server that verifies the ES256 provider token
and the apns-* headers, and answers with Apple's reasons."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import pytest
from cryptography.hazmat.primitives.asymmetric import ec
from pydantic import SecretStr
from starlette.responses import JSONResponse

from herald.channels.addresses import key_uuid
from herald.channels.apns import ApnsProvider
from herald.channels.config_http import ApnsSettings
from herald.models import AddressProblem, ChannelType, DeliveryStatus, MessageChannel
from tests.channels.fakes.apns import UNREGISTERED, FakeApns
from tests.channels.keys import Tls, pem
from tests.channels.messages import assert_secrets_hidden, opened, outgoing
from tests.channels.serving import serve

TEAM, KEY_ID, BUNDLE = "TEAM123456", "KEY1234567", "com.example.app"
TOKEN = "a1" * 32


@pytest.fixture
async def apns(
    ec_key: ec.EllipticCurvePrivateKey, tls: Tls
) -> AsyncIterator[tuple[FakeApns, ApnsSettings]]:
    fake = FakeApns(ec_key.public_key(), TEAM, KEY_ID, BUNDLE)
    async with serve(fake.app, tls=tls) as url:
        yield (
            fake,
            ApnsSettings(
                team_id=TEAM,
                key_id=KEY_ID,
                private_key=pem(ec_key),
                bundle_id=BUNDLE,
                production_url=url,
                sandbox_url=url,
                ca_file=tls.ca_file,
                timeout=5,
            ),
        )


async def test_an_alert_is_accepted_over_http2_with_the_keys_apns_id(
    apns: tuple[FakeApns, ApnsSettings],
    ec_key: ec.EllipticCurvePrivateKey,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level("DEBUG")
    fake, settings = apns
    provider = ApnsProvider(settings)
    message = outgoing(
        MessageChannel.PUSH,
        TOKEN,
        channel_type=ChannelType.APNS,
        title="Hello",
        body="Your order shipped",
        push={
            "sound": "default",
            "action": "DEEP_LINK",
            "url": "app://orders/1",
            "apns": {"aps": {"badge": 3}},
        },
    )
    [result] = await provider.send([message])
    await provider.aclose()

    assert result.status is DeliveryStatus.ACCEPTED, result.reason
    [sent] = fake.accepted
    assert fake.http_versions == ["2"]
    assert result.provider_message_id == str(key_uuid(message.idempotency_key))
    headers = sent["headers"]
    assert uuid.UUID(headers["apns-id"]) == key_uuid(message.idempotency_key)
    assert (headers["apns-topic"], headers["apns-push-type"], headers["apns-priority"]) == (
        BUNDLE,
        "alert",
        "10",
    )
    assert sent["payload"] == {
        "aps": {
            "alert": {"title": "Hello", "body": "Your order shipped"},
            "sound": "default",
            "badge": 3,
        },
        "herald.action": "DEEP_LINK",
        "herald.url": "app://orders/1",
    }
    key = pem(ec_key)
    assert_secrets_hidden(caplog, key, key.splitlines()[1], seen=[provider, settings, result])


async def test_a_silent_voip_push_uses_the_voip_topic_and_priority(
    apns: tuple[FakeApns, ApnsSettings],
) -> None:
    fake, settings = apns
    message = outgoing(
        MessageChannel.PUSH,
        TOKEN,
        channel_type=ChannelType.APNS_VOIP_SANDBOX,
        push={"silent": True},
    )
    async with opened(ApnsProvider(settings)) as provider:
        [result] = await provider.send([message])

    assert result.status is DeliveryStatus.ACCEPTED, result.reason
    headers = fake.accepted[0]["headers"]
    assert (headers["apns-topic"], headers["apns-push-type"], headers["apns-priority"]) == (
        f"{BUNDLE}.voip",
        "voip",
        "5",
    )
    assert fake.accepted[0]["payload"]["aps"] == {"content-available": 1}


@pytest.mark.parametrize(("token", "status"), [(UNREGISTERED, "410"), ("not-hex", "400")])
async def test_a_dead_or_malformed_device_token_marks_the_endpoint(
    apns: tuple[FakeApns, ApnsSettings], token: str, status: str
) -> None:
    _, settings = apns
    async with opened(ApnsProvider(settings)) as provider:
        [result] = await provider.send([outgoing(MessageChannel.PUSH, token, body="x")])

    assert (result.status, result.address_problem) == (
        DeliveryStatus.PERMANENT,
        AddressProblem.INVALID,
    )
    assert result.reason is not None and result.reason.startswith(
        f"apns rejected device token ({status}"
    )


async def test_a_wrong_topic_names_the_header(apns: tuple[FakeApns, ApnsSettings]) -> None:
    _, settings = apns
    async with opened(
        ApnsProvider(settings.model_copy(update={"bundle_id": "com.example.other"}))
    ) as provider:
        [result] = await provider.send([outgoing(MessageChannel.PUSH, TOKEN, body="x")])

    assert result.status is DeliveryStatus.PERMANENT
    assert result.reason == "apns rejected apns-topic (400 TopicDisallowed)"
    assert result.address_problem is None


async def test_a_key_apple_does_not_know_is_retryable(apns: tuple[FakeApns, ApnsSettings]) -> None:
    _, settings = apns
    other = pem(ec.generate_private_key(ec.SECP256R1()))
    async with opened(
        ApnsProvider(settings.model_copy(update={"private_key": SecretStr(other)}))
    ) as provider:
        [result] = await provider.send([outgoing(MessageChannel.PUSH, TOKEN, body="x")])

    assert result.status is DeliveryStatus.RETRYABLE
    assert result.reason is not None and "InvalidProviderToken" in result.reason


async def test_too_many_requests_is_retryable_after_retry_after(
    apns: tuple[FakeApns, ApnsSettings],
) -> None:
    fake, settings = apns
    fake.fail_next.append(JSONResponse({"reason": "TooManyRequests"}, 429, {"Retry-After": "12"}))
    async with opened(ApnsProvider(settings)) as provider:
        [result] = await provider.send([outgoing(MessageChannel.PUSH, TOKEN, body="x")])

    assert (result.status, result.retry_after) == (DeliveryStatus.RETRYABLE, 12.0)
