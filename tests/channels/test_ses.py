"""SES v2 SendEmail through boto3 against a moto server on loopback."""

from __future__ import annotations

import boto3
import pytest

from herald.channels.config_aws import AwsSettings, SesSettings
from herald.channels.ses import SesProvider
from herald.models import AddressProblem, DeliveryStatus, MessageChannel
from tests.channels.conftest import AWS_SECRET
from tests.channels.messages import assert_secrets_hidden, outgoing
from tests.channels.moto_data import moto_models

SENDER = "news@herald-ses.example.com"


@pytest.fixture
def ses(moto_aws: AwsSettings) -> SesProvider:
    client = boto3.client(
        "sesv2",
        endpoint_url=moto_aws.endpoint_url,
        region_name=moto_aws.region,
        aws_access_key_id=moto_aws.access_key_id,
        aws_secret_access_key=AWS_SECRET,
    )
    client.create_email_identity(EmailIdentity=SENDER)
    return SesProvider(SesSettings(provider="ses", from_address=SENDER, aws=moto_aws))


async def test_an_email_arrives_with_the_provider_id(
    ses: SesProvider, moto_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level("DEBUG")
    message = outgoing(MessageChannel.EMAIL, "ann@example.com", subject="Hello Ann", text="Hi")
    [result] = await ses.send([message])

    assert (result.status, result.origin) == (DeliveryStatus.ACCEPTED, SENDER), result.reason
    sent = [
        m
        for m in await moto_models(moto_url, "ses", "Message")
        if m["id"] == result.provider_message_id
    ]
    assert [(m["source"], m["destinations"], m["subject"], m["body"]) for m in sent] == [
        (SENDER, {"ToAddresses": ["ann@example.com"]}, "Hello Ann", "Hi")
    ]
    assert_secrets_hidden(caplog, AWS_SECRET, seen=[ses, result])


async def test_an_unverified_sender_is_permanent_naming_the_field(ses: SesProvider) -> None:
    message = outgoing(
        MessageChannel.EMAIL,
        "ann@example.com",
        subject="s",
        text="t",
        from_address="x@unverified.example.com",
    )
    [result] = await ses.send([message])

    assert result.status is DeliveryStatus.PERMANENT
    assert result.reason is not None and "FromEmailAddress" in result.reason
    assert "MessageRejected" in result.reason
    assert result.address_problem is None


async def test_a_malformed_address_is_invalid_without_a_call(
    ses: SesProvider, moto_url: str
) -> None:
    before = len(await moto_models(moto_url, "ses", "Message"))
    [result] = await ses.send(
        [outgoing(MessageChannel.EMAIL, "ann-at-example", subject="s", text="t")]
    )

    assert (result.status, result.address_problem) == (
        DeliveryStatus.PERMANENT,
        AddressProblem.INVALID,
    )
    assert len(await moto_models(moto_url, "ses", "Message")) == before


async def test_an_unreachable_endpoint_is_retryable() -> None:
    # A port nothing listens on: connection refused, as an SES outage looks from here.
    aws = AwsSettings(
        region="us-east-1",
        endpoint_url="http://127.0.0.1:9",
        access_key_id="a",
        secret_access_key="b",
    )
    provider = SesProvider(SesSettings(provider="ses", from_address=SENDER, aws=aws, timeout=2))
    [result] = await provider.send(
        [outgoing(MessageChannel.EMAIL, "ann@example.com", subject="s", text="t")]
    )

    assert result.status is DeliveryStatus.RETRYABLE
    assert result.reason is not None and "unreachable" in result.reason
