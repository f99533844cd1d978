"""SMTP against an aiosmtpd server on loopback that requires STARTTLS and AUTH."""

from __future__ import annotations

import pytest

from herald.channels.smtp import SmtpProvider
from herald.models import AddressProblem, DeliveryStatus, MessageChannel
from tests.channels.fakes.smtp import PASSWORD, SmtpHandler, smtp_settings
from tests.channels.keys import Tls
from tests.channels.messages import assert_secrets_hidden, outgoing
from tests.loopback_http import free_port


async def test_an_email_arrives_over_starttls_with_its_message_id(
    smtp_server: tuple[SmtpHandler, int], tls: Tls, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level("DEBUG")
    handler, port = smtp_server
    provider = SmtpProvider(smtp_settings(port, tls))
    message = outgoing(
        MessageChannel.EMAIL,
        "ann@example.com",
        subject="Hello Ann",
        text="Plain",
        html="<p>Rich</p>",
        reply_to=["help@example.com"],
        headers={"List-Unsubscribe": "<https://example.com/u>"},
    )
    [result] = await provider.send([message])

    assert result.status is DeliveryStatus.ACCEPTED, result.reason
    assert result.origin == "help@example.com"  # where a reply goes: its Reply-To
    [got] = handler.received
    assert (got.mail_from, got.rcpt_tos, handler.logins) == (
        "news@example.com",
        ["ann@example.com"],
        ["herald"],
    )
    email = got.message
    assert (email["Subject"], email["Reply-To"], email["List-Unsubscribe"]) == (
        "Hello Ann",
        "help@example.com",
        "<https://example.com/u>",
    )
    assert email["Message-ID"] == f"<{result.provider_message_id}>"
    assert [p.get_content_type() for p in email.walk()][1:] == ["text/plain", "text/html"]
    assert_secrets_hidden(caplog, PASSWORD, seen=[provider, result, provider._settings])


async def test_the_same_key_gets_the_same_message_id(
    smtp_server: tuple[SmtpHandler, int], tls: Tls
) -> None:
    _, port = smtp_server
    provider = SmtpProvider(smtp_settings(port, tls))
    message = outgoing(MessageChannel.EMAIL, "ann@example.com", subject="s", text="t")
    first, again = await provider.send([message, message])

    assert first.provider_message_id == again.provider_message_id


async def test_a_refused_mailbox_is_invalid_and_a_busy_one_retryable_in_one_batch(
    smtp_server: tuple[SmtpHandler, int], tls: Tls
) -> None:
    handler, port = smtp_server
    provider = SmtpProvider(smtp_settings(port, tls))
    nobody, busy, ann = (
        outgoing(MessageChannel.EMAIL, address, subject="s", text="t")
        for address in ("x@nobody.example.com", "x@busy.example.com", "ann@example.com")
    )
    refused, later, sent = await provider.send([nobody, busy, ann])

    assert (refused.status, refused.address_problem) == (
        DeliveryStatus.PERMANENT,
        AddressProblem.INVALID,
    )
    assert refused.reason is not None and "RCPT TO: 550" in refused.reason
    assert later.status is DeliveryStatus.RETRYABLE
    assert later.reason is not None and "451" in later.reason
    assert sent.status is DeliveryStatus.ACCEPTED
    assert [r.rcpt_tos for r in handler.received] == [["ann@example.com"]]


async def test_a_wrong_password_is_retryable_and_never_printed(
    smtp_server: tuple[SmtpHandler, int], tls: Tls, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level("DEBUG")
    handler, port = smtp_server
    provider = SmtpProvider(smtp_settings(port, tls, password="wrong-password-xyz"))
    [result] = await provider.send(
        [outgoing(MessageChannel.EMAIL, "ann@example.com", subject="s", text="t")]
    )

    assert result.status is DeliveryStatus.RETRYABLE
    assert result.reason is not None and "HERALD_CHANNELS__EMAIL__USERNAME" in result.reason
    assert handler.received == []
    assert_secrets_hidden(caplog, "wrong-password-xyz", PASSWORD, seen=[result])


async def test_no_server_is_retryable(tls: Tls) -> None:
    provider = SmtpProvider(smtp_settings(free_port(), tls))
    [result] = await provider.send(
        [outgoing(MessageChannel.EMAIL, "ann@example.com", subject="s", text="t")]
    )

    assert result.status is DeliveryStatus.RETRYABLE
    assert result.reason is not None and "unreachable" in result.reason
