"""End User Messaging SMS and voice through the real boto3 client, against a loopback server
that speaks `pinpoint-sms-voice-v2`'s JSON protocol and verifies SigV4 and the body shape."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from botocore.credentials import Credentials
from pydantic import SecretStr

from herald.channels.config_aws import (
    AwsSettings,
    EndUserMessagingSmsSettings,
    EndUserMessagingVoiceSettings,
)
from herald.channels.eum_sms import EndUserMessagingSmsProvider
from herald.channels.eum_voice import EndUserMessagingVoiceProvider
from herald.models import AddressProblem, DeliveryStatus, MessageChannel
from tests.channels.fakes.eum import FakeEndUserMessaging, error
from tests.channels.messages import assert_secrets_hidden, outgoing
from tests.channels.serving import serve

SECRET = "eum-secret-access-key"
REGION = "eu-west-1"


@pytest.fixture
async def fake() -> AsyncIterator[tuple[FakeEndUserMessaging, AwsSettings]]:
    fake = FakeEndUserMessaging(Credentials("AKIDEUMTEST", SECRET), REGION)
    async with serve(fake.app) as url:
        yield (
            fake,
            AwsSettings(
                region=REGION,
                endpoint_url=url,
                access_key_id="AKIDEUMTEST",
                secret_access_key=SECRET,
            ),
        )


def _sms(aws: AwsSettings) -> EndUserMessagingSmsProvider:
    return EndUserMessagingSmsProvider(
        EndUserMessagingSmsSettings(
            provider="end_user_messaging", origination_identity="+15550001111", aws=aws
        )
    )


async def test_a_text_is_accepted_with_its_message_id_and_context(
    fake: tuple[FakeEndUserMessaging, AwsSettings], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level("DEBUG")
    server, aws = fake
    provider = _sms(aws)
    message = outgoing(
        MessageChannel.SMS, "+15555550100", body="Hi Ann", sms={"message_type": "PROMOTIONAL"}
    )
    [result] = await provider.send([message])

    assert result.status is DeliveryStatus.ACCEPTED, result.reason
    [sent] = server.accepted
    assert sent["MessageId"] == result.provider_message_id
    assert (sent["operation"], sent["DestinationPhoneNumber"], sent["MessageBody"]) == (
        "SendTextMessage",
        "+15555550100",
        "Hi Ann",
    )
    assert (sent["OriginationIdentity"], sent["MessageType"]) == ("+15550001111", "PROMOTIONAL")
    assert result.origin == "+15550001111"
    assert sent["Context"]["herald_key"] == message.idempotency_key
    assert_secrets_hidden(caplog, SECRET, seen=[provider, result])


async def test_a_refused_destination_names_the_field_and_marks_it_invalid(
    fake: tuple[FakeEndUserMessaging, AwsSettings],
) -> None:
    _, aws = fake
    [result] = await _sms(aws).send([outgoing(MessageChannel.SMS, "+15005550001", body="hi")])

    assert result.status is DeliveryStatus.PERMANENT
    assert result.reason is not None and "DestinationPhoneNumber" in result.reason
    assert "ValidationException" in result.reason
    assert result.address_problem is AddressProblem.INVALID


async def test_an_opted_out_destination_is_marked_opted_out(
    fake: tuple[FakeEndUserMessaging, AwsSettings],
) -> None:
    _, aws = fake
    [result] = await _sms(aws).send([outgoing(MessageChannel.SMS, "+15005550004", body="hi")])

    assert (result.status, result.address_problem) == (
        DeliveryStatus.PERMANENT,
        AddressProblem.OPTED_OUT,
    )


@pytest.mark.parametrize(
    ("status", "code"), [(400, "ThrottlingException"), (500, "InternalServerException")]
)
async def test_throttling_and_server_errors_are_retryable(
    fake: tuple[FakeEndUserMessaging, AwsSettings], status: int, code: str
) -> None:
    server, aws = fake
    server.fail_next.append(error(status, code, "slow down" if status == 400 else "oops"))
    [result] = await _sms(aws).send([outgoing(MessageChannel.SMS, "+15555550100", body="hi")])

    assert result.status is DeliveryStatus.RETRYABLE
    assert result.reason is not None and code in result.reason
    assert server.accepted == []


async def test_wrong_credentials_are_retryable_naming_the_settings(
    fake: tuple[FakeEndUserMessaging, AwsSettings],
) -> None:
    _, aws = fake
    wrong = aws.model_copy(update={"secret_access_key": SecretStr("not-the-key")})
    [result] = await _sms(wrong).send([outgoing(MessageChannel.SMS, "+15555550100", body="hi")])

    assert result.status is DeliveryStatus.RETRYABLE
    assert result.reason is not None and "HERALD_CHANNELS__SMS__AWS__" in result.reason
    assert "not-the-key" not in result.reason


async def test_a_voice_message_is_accepted_as_ssml_with_its_voice(
    fake: tuple[FakeEndUserMessaging, AwsSettings],
) -> None:
    server, aws = fake
    provider = EndUserMessagingVoiceProvider(
        EndUserMessagingVoiceSettings(
            provider="end_user_messaging", origination_identity="+15550001111", aws=aws
        )
    )
    body = "<speak>Your code is <say-as interpret-as='digits'>1234</say-as></speak>"
    message = outgoing(
        MessageChannel.VOICE, "+15555550100", body=body, voice={"ssml": True, "voice_id": "Joanna"}
    )
    [result] = await provider.send([message])

    assert result.status is DeliveryStatus.ACCEPTED, result.reason
    [sent] = server.accepted
    assert result.origin == "+15550001111"
    assert (sent["operation"], sent["MessageBodyTextType"], sent["VoiceId"]) == (
        "SendVoiceMessage",
        "SSML",
        "JOANNA",
    )
    assert sent["MessageBody"] == body
