"""SMTP: one message's fault fails that message, never its batch (aiosmtpd on loopback).

A line break in a rendered header, an address the server cannot take, a refusal by policy:
that message fails for good and the rest of the batch is sent; only a refusal that says the
mailbox does not exist marks the address INVALID.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from aiosmtpd.smtp import SMTP, Envelope, Session

from herald.channels.smtp import SmtpProvider
from herald.models import AddressProblem, DeliveryStatus, MessageChannel
from tests.channels.conftest import serve_smtp
from tests.channels.fakes.smtp import PASSWORD, SmtpHandler, smtp_settings
from tests.channels.keys import Tls
from tests.channels.messages import outgoing

# RCPT TO refusals and whether each says the mailbox is bad (INVALID) or not (None).
REFUSALS: dict[str, tuple[str, AddressProblem | None]] = {
    "blocked@example.com": (
        "550 5.7.1 Service unavailable; client host [192.0.2.1] blocked using zen.example",
        None,
    ),
    "relay@example.com": ("554 5.7.1 Relay access denied", None),
    "nobody@example.com": ("550 5.1.1 No such user here", AddressProblem.INVALID),
    "nodomain@example.com": ("550 5.1.2 Bad destination system", AddressProblem.INVALID),
    "sender@example.com": ("553 5.1.8 Sender address rejected: Domain not found", None),
    "full@example.com": ("552 5.2.2 Mailbox full", None),
    "plain@example.com": ("550 Requested action not taken: no mailbox", AddressProblem.INVALID),
    "listed@example.com": ("550 Rejected: 192.0.2.1 is on our blocklist", None),
}


class _RefusingHandler(SmtpHandler):
    """A receiving system that refuses the REFUSALS addresses at RCPT TO as written there."""

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: list[str]
    ) -> str:
        if address in REFUSALS:
            return REFUSALS[address][0]
        return await super().handle_RCPT(server, session, envelope, address, options)


@pytest.fixture
def ascii_smtp_server(tls: Tls) -> Iterator[tuple[SmtpHandler, int]]:
    """The submission server without SMTPUTF8, as most relays and many providers are."""
    handler = SmtpHandler(username="herald", password=PASSWORD)
    controller = serve_smtp(handler, tls, smtputf8=False)
    yield handler, controller.port
    controller.stop()


@pytest.fixture
def refusing_smtp_server(tls: Tls) -> Iterator[tuple[SmtpHandler, int]]:
    handler = _RefusingHandler(username="herald", password=PASSWORD)
    controller = serve_smtp(handler, tls)
    yield handler, controller.port
    controller.stop()


async def test_a_line_break_in_a_rendered_header_fails_only_its_message(
    smtp_server: tuple[SmtpHandler, int], tls: Tls
) -> None:
    """A substitution holding CRLF (from a form, an attribute) must not inject a header nor
    fail the batch: that message is refused, naming the field, and the rest is sent."""
    handler, port = smtp_server
    provider = SmtpProvider(smtp_settings(port, tls))
    injected = [
        outgoing(MessageChannel.EMAIL, "ann@example.com", subject=subject, text="t")
        for subject in ("Hi Ann\r\nBcc: evil@example.com", "Hi Ann\u2028Bcc: evil@example.com")
    ]
    unsubscribe = "<https://example.com/u?n=Ann\r\nBcc: evil@example.com>"
    injected.append(
        outgoing(
            MessageChannel.EMAIL,
            "ann@example.com",
            subject="Hi Ann",
            text="t",
            headers={"List-Unsubscribe": unsubscribe},
        )
    )
    fine = outgoing(MessageChannel.EMAIL, "bob@example.com", subject="Hi Bob", text="t")
    *refused, sent = await provider.send([*injected, fine])

    assert sent.status is DeliveryStatus.ACCEPTED, sent.reason
    assert {(r.status, r.address_problem) for r in refused} == {(DeliveryStatus.PERMANENT, None)}
    fields = [(r.reason or "").split(" ")[0] for r in refused]
    assert fields == ["subject", "subject", "headers.List-Unsubscribe"]
    assert [r.rcpt_tos for r in handler.received] == [["bob@example.com"]]
    assert handler.received[0].message["Bcc"] is None


async def test_a_mailbox_the_server_cannot_take_does_not_hold_up_the_batch(
    ascii_smtp_server: tuple[SmtpHandler, int], tls: Tls
) -> None:
    """Herald accepts `zoë@example.com`; a server without SMTPUTF8 can never take it. That
    message fails for good (the mailbox kept: another server could), the others are sent."""
    handler, port = ascii_smtp_server
    provider = SmtpProvider(smtp_settings(port, tls))
    intl = outgoing(MessageChannel.EMAIL, "zoë@example.com", subject="s", text="t")
    ann = outgoing(MessageChannel.EMAIL, "ann@example.com", subject="s", text="t")
    first, second = await provider.send([intl, ann])

    assert second.status is DeliveryStatus.ACCEPTED, second.reason
    assert (first.status, first.address_problem) == (DeliveryStatus.PERMANENT, None)
    assert first.reason is not None
    assert "SMTPUTF8" in first.reason and "zoë@example.com" in first.reason
    assert [r.rcpt_tos for r in handler.received] == [["ann@example.com"]]


async def test_only_a_refusal_of_the_mailbox_itself_marks_it_invalid(
    refusing_smtp_server: tuple[SmtpHandler, int], tls: Tls
) -> None:
    """550 5.7.1 says the sending host is blocked, not that the mailbox does not exist:
    marking it INVALID would make the endpoint INACTIVE and suppress the address, and one
    blocklist listing would do that to every recipient at that mail system. The enhanced
    code decides (X.1.x, but the sender's X.1.7 / X.1.8); without one, 550/551/553 does,
    unless the reply names a policy."""
    handler, port = refusing_smtp_server
    provider = SmtpProvider(smtp_settings(port, tls))
    batch = [
        outgoing(MessageChannel.EMAIL, address, subject="s", text="t")
        for address in [*REFUSALS, "ann@example.com"]
    ]
    *refused, sent = await provider.send(batch)

    assert sent.status is DeliveryStatus.ACCEPTED, sent.reason
    got = {m.address: (r.status, r.address_problem) for m, r in zip(batch, refused, strict=False)}
    assert got == {a: (DeliveryStatus.PERMANENT, want) for a, (_, want) in REFUSALS.items()}
    blocked = refused[0].reason or ""
    assert "5.7.1" in blocked and "policy" in blocked
    assert [r.rcpt_tos for r in handler.received] == [["ann@example.com"]]
