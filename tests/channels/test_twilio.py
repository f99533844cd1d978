"""Twilio Messages and Calls over httpx against a loopback server that checks basic auth,
the form body and TwiML, and answers with Twilio's error codes."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from urllib.parse import parse_qs, urlsplit

import pytest
from starlette.responses import JSONResponse

from herald.channels.config_http import TwilioSettings
from herald.channels.twilio_sms import TwilioSmsProvider
from herald.channels.twilio_voice import TwilioVoiceProvider
from herald.models import AddressProblem, DeliveryStatus, MessageChannel
from tests.channels.fakes.twilio import FakeTwilio
from tests.channels.messages import assert_secrets_hidden, outgoing
from tests.channels.serving import serve

SID = "AC" + "1" * 32
TOKEN = "twilio-auth-token-never-logged"


@pytest.fixture
async def twilio() -> AsyncIterator[tuple[FakeTwilio, str]]:
    fake = FakeTwilio(SID, TOKEN)
    async with serve(fake.app) as url:
        yield fake, url


def _settings(url: str, **changes: object) -> TwilioSettings:
    fields = {
        "provider": "twilio",
        "account_sid": SID,
        "auth_token": TOKEN,
        "from_number": "+15550001111",
        "base_url": url,
        "status_callback_url": "https://herald.example.com/v1/receipts/twilio?via=sms",
        "timeout": 5,
        **changes,
    }
    return TwilioSettings.model_validate(fields)


async def test_an_sms_is_accepted_with_the_message_sid(
    twilio: tuple[FakeTwilio, str], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level("DEBUG")
    fake, url = twilio
    provider = TwilioSmsProvider(_settings(url))
    message = outgoing(MessageChannel.SMS, "+15555550100", body="Hi Ann")
    [result] = await provider.send([message])
    await provider.aclose()

    assert result.status is DeliveryStatus.ACCEPTED, result.reason
    [sent] = fake.accepted
    assert (sent["sid"], sent["To"], sent["From"], sent["Body"]) == (
        result.provider_message_id,
        "+15555550100",
        "+15550001111",
        "Hi Ann",
    )
    assert result.origin == "+15550001111"  # recorded, so replies to it find this message
    callback = urlsplit(str(sent["StatusCallback"]))
    assert parse_qs(callback.query) == {"via": ["sms"], "herald_key": [message.idempotency_key]}
    assert_secrets_hidden(caplog, TOKEN, seen=[provider, result, _settings(url)])


@pytest.mark.parametrize(
    ("number", "problem"),
    [("+15005550001", AddressProblem.INVALID), ("+15005550004", AddressProblem.OPTED_OUT)],
)
async def test_a_refused_to_number_names_the_field_and_marks_the_address(
    twilio: tuple[FakeTwilio, str], number: str, problem: AddressProblem
) -> None:
    _, url = twilio
    [result] = await TwilioSmsProvider(_settings(url)).send(
        [outgoing(MessageChannel.SMS, number, body="hi")]
    )

    assert (result.status, result.address_problem) == (DeliveryStatus.PERMANENT, problem)
    assert result.reason is not None and result.reason.startswith(
        "twilio rejected To (400, error 21"
    )


async def test_a_missing_sender_field_is_named(twilio: tuple[FakeTwilio, str]) -> None:
    _, url = twilio
    provider = TwilioSmsProvider(_settings(url))
    [result] = await provider.send([outgoing(MessageChannel.SMS, "+15555550100", body="")])

    assert result.status is DeliveryStatus.PERMANENT
    assert result.reason == "the SMS has no body"


async def test_429_with_retry_after_is_retryable_after_that_delay(
    twilio: tuple[FakeTwilio, str],
) -> None:
    fake, url = twilio
    fake.fail_next.append(
        JSONResponse(
            {"code": 20429, "message": "Too Many Requests", "status": 429},
            429,
            {"Retry-After": "7"},
        )
    )
    [result] = await TwilioSmsProvider(_settings(url)).send(
        [outgoing(MessageChannel.SMS, "+15555550100", body="hi")]
    )

    assert (result.status, result.retry_after) == (DeliveryStatus.RETRYABLE, 7.0)
    assert fake.accepted == []


async def test_a_5xx_is_retryable(twilio: tuple[FakeTwilio, str]) -> None:
    fake, url = twilio
    fake.fail_next.append(JSONResponse({"message": "Internal"}, 503))
    [result] = await TwilioSmsProvider(_settings(url)).send(
        [outgoing(MessageChannel.SMS, "+15555550100", body="hi")]
    )

    assert (result.status, result.retry_after) == (DeliveryStatus.RETRYABLE, None)
    assert result.reason is not None and "503" in result.reason


async def test_a_timeout_is_retryable(twilio: tuple[FakeTwilio, str]) -> None:
    fake, url = twilio
    fake.hold = asyncio.Event()  # Twilio hangs: no answer until released
    provider = TwilioSmsProvider(_settings(url, timeout=0.2))
    [result] = await provider.send([outgoing(MessageChannel.SMS, "+15555550100", body="hi")])
    fake.hold.set()
    await provider.aclose()

    assert result.status is DeliveryStatus.RETRYABLE
    assert result.reason is not None and "timed out" in result.reason


async def test_a_wrong_token_is_retryable_naming_the_settings(
    twilio: tuple[FakeTwilio, str],
) -> None:
    _, url = twilio
    provider = TwilioSmsProvider(_settings(url, auth_token="not-the-token"))
    [result] = await provider.send([outgoing(MessageChannel.SMS, "+15555550100", body="hi")])

    assert result.status is DeliveryStatus.RETRYABLE
    assert (
        result.reason is not None
        and "HERALD_CHANNELS__SMS__ACCOUNT_SID / __AUTH_TOKEN" in result.reason
    )


async def test_a_call_speaks_escaped_text_in_twiml(twilio: tuple[FakeTwilio, str]) -> None:
    fake, url = twilio
    provider = TwilioVoiceProvider(_settings(url, voice="Polly.Joanna"))
    [result] = await provider.send(
        [outgoing(MessageChannel.VOICE, "+15555550100", body="Codes & <stuff>")]
    )

    assert result.status is DeliveryStatus.ACCEPTED, result.reason
    [sent] = fake.accepted
    assert str(result.provider_message_id).startswith("CA")
    assert result.origin == "+15550001111"
    said = '<Say language="en-US" voice="Polly.Joanna">Codes &amp; &lt;stuff&gt;</Say>'
    assert sent["Twiml"] == f"<Response>{said}</Response>"


async def test_a_call_to_an_invalid_number_marks_it(twilio: tuple[FakeTwilio, str]) -> None:
    _, url = twilio
    [result] = await TwilioVoiceProvider(_settings(url)).send(
        [outgoing(MessageChannel.VOICE, "+15005550001", body="hello", voice={"ssml": True})]
    )

    assert (result.status, result.address_problem) == (
        DeliveryStatus.PERMANENT,
        AddressProblem.INVALID,
    )
