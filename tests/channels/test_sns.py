"""SNS Publish to a phone number through boto3 against a moto server on loopback."""

from __future__ import annotations

import pytest

from herald.channels.config_aws import AwsSettings, SnsSettings
from herald.channels.sns import SnsProvider
from herald.models import AddressProblem, DeliveryStatus, MessageChannel
from tests.channels.conftest import AWS_SECRET
from tests.channels.messages import assert_secrets_hidden, outgoing
from tests.channels.moto_data import moto_models


def _sns(aws: AwsSettings, **settings: object) -> SnsProvider:
    return SnsProvider(SnsSettings.model_validate({"provider": "sns", "aws": aws, **settings}))


async def test_an_sms_arrives_with_the_provider_id(
    moto_aws: AwsSettings, moto_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level("DEBUG")
    provider = _sns(moto_aws, sender_id="HERALD")
    message = outgoing(MessageChannel.SMS, "+15555550100", body="Your code is 1234")
    [result] = await provider.send([message])

    assert (result.status, result.origin) == (DeliveryStatus.ACCEPTED, "HERALD"), result.reason
    sms = await moto_models(moto_url, "sns", "SMS")
    assert [
        (s["phone_number"], s["message"])
        for s in sms
        if s["message_id"] == result.provider_message_id
    ] == [("+15555550100", "Your code is 1234")]
    assert_secrets_hidden(caplog, AWS_SECRET, seen=[provider, result])


async def test_a_refused_attribute_is_permanent_naming_it(moto_aws: AwsSettings) -> None:
    provider = _sns(moto_aws, max_price="cheap")
    [result] = await provider.send([outgoing(MessageChannel.SMS, "+15555550100", body="hi")])

    assert result.status is DeliveryStatus.PERMANENT
    assert result.reason is not None
    assert "MessageAttributes.AWS.SNS.SMS.MaxPrice" in result.reason
    assert result.address_problem is None


async def test_a_number_that_is_not_e164_is_invalid_without_a_call(
    moto_aws: AwsSettings, moto_url: str
) -> None:
    before = len(await moto_models(moto_url, "sns", "SMS"))
    [result] = await _sns(moto_aws).send([outgoing(MessageChannel.SMS, "555-0100", body="hi")])

    assert (result.status, result.address_problem) == (
        DeliveryStatus.PERMANENT,
        AddressProblem.INVALID,
    )
    assert result.reason is not None and "E.164" in result.reason
    assert len(await moto_models(moto_url, "sns", "SMS")) == before
