"""SES refusals read right: a loopback server answering as SES v2 does (REST-JSON errors).

Only a refusal of the recipient's address marks it INVALID (the endpoint made INACTIVE, the
address suppressed); an account's unverified identity or another address of the request is
a permanent failure of the message that marks nothing.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from herald.channels.config_aws import AwsSettings, SesSettings
from herald.channels.ses import SesProvider
from herald.models import AddressProblem, DeliveryStatus, MessageChannel
from tests.channels.messages import outgoing
from tests.loopback_http import Loopback, loopback_server

SENDER = "news@herald-ses.example.com"


def _refusal(text: str, code: str = "MessageRejected") -> tuple[int, dict[str, str], bytes]:
    headers = {"Content-Type": "application/json", "x-amzn-ErrorType": code}
    return 400, headers, json.dumps({"message": text}).encode()


@pytest.fixture
def server() -> Iterator[Loopback]:
    with loopback_server() as server:
        yield server


def _provider(server: Loopback) -> SesProvider:
    aws = AwsSettings(
        region="us-east-1", endpoint_url=server.url, access_key_id="a", secret_access_key="b"
    )
    return SesProvider(SesSettings(provider="ses", from_address=SENDER, aws=aws))


@pytest.mark.parametrize(
    ("failed_identities", "named"),
    [
        # Sandbox: the recipient is a real mailbox, just not verified in this account.
        ("ann@example.com", "sandbox"),
        # The sender is not verified (and, in the sandbox, the recipient neither).
        (f"{SENDER}, ann@example.com", SENDER),
        # Not ann's: joann's, who merely contains ann's address.
        ("joann@example.com", SENDER),
    ],
)
async def test_an_unverified_identity_does_not_mark_the_recipient_invalid(
    server: Loopback, failed_identities: str, named: str
) -> None:
    """SES's "Email address is not verified" names identities of the account (the sender,
    or recipients while in the sandbox); it says nothing of whether the mailbox exists.
    Marking it INVALID would keep it suppressed even after leaving the sandbox."""
    text = (
        "Email address is not verified. The following identities failed the check in "
        f"region US-EAST-1: {failed_identities}"
    )
    server.answers = [_refusal(text)]
    [result] = await _provider(server).send(
        [outgoing(MessageChannel.EMAIL, "ann@example.com", subject="s", text="t")]
    )

    assert [r.path for r in server.requests] == ["/v2/email/outbound-emails"]
    assert (result.status, result.address_problem) == (DeliveryStatus.PERMANENT, None)
    assert result.reason is not None and named in result.reason


async def test_a_malformed_reply_to_does_not_mark_the_recipient_invalid(
    server: Loopback,
) -> None:
    """SES answers a malformed address anywhere in the request with "Missing final
    '@domain'" / "Illegal address", not saying which. The recipient and the sender were
    checked before the call; here the bad one is the template's Reply-To, so the recipient
    is not to blame."""
    server.answers = [_refusal("Missing final '@domain'", "BadRequestException")]
    message = outgoing(
        MessageChannel.EMAIL,
        "ann@example.com",
        subject="s",
        text="t",
        reply_to=["support-at-example.com"],
    )
    [result] = await _provider(server).send([message])

    assert [r.json()["ReplyToAddresses"] for r in server.requests] == [["support-at-example.com"]]
    assert (result.status, result.address_problem) == (DeliveryStatus.PERMANENT, None)
    assert result.reason is not None and "ReplyToAddresses" in result.reason


async def test_a_malformed_address_complaint_blames_the_recipient_when_the_rest_is_fine(
    server: Loopback,
) -> None:
    """The other side of the rule above: sender and Reply-To well formed (a name form too),
    the complaint can only be about the recipient."""
    server.answers = [_refusal("Missing final '@domain'", "BadRequestException")]
    message = outgoing(
        MessageChannel.EMAIL,
        "ann@example.com",
        subject="s",
        text="t",
        reply_to=["Support <support@example.com>"],
    )
    [result] = await _provider(server).send([message])

    assert (result.status, result.address_problem) == (
        DeliveryStatus.PERMANENT,
        AddressProblem.INVALID,
    )


async def test_an_address_is_named_only_as_a_whole(server: Loopback) -> None:
    """ann@example.com is not named by a refusal that names joann@example.com."""
    server.answers = [
        _refusal("Recipient joann@example.com refused"),
        _refusal("Recipient ann@example.com. refused"),
    ]
    provider = _provider(server)
    message = outgoing(MessageChannel.EMAIL, "ann@example.com", subject="s", text="t")
    other, named = await provider.send([message, message])

    assert (other.status, other.address_problem) == (DeliveryStatus.PERMANENT, None)
    assert (named.status, named.address_problem) == (
        DeliveryStatus.PERMANENT,
        AddressProblem.INVALID,
    )


async def test_a_line_break_in_a_rendered_header_is_refused_without_a_call(
    server: Loopback,
) -> None:
    """SES takes the subject and headers as given: a line break from a substitution is
    refused before the call, naming the field, as SMTP does."""
    message = outgoing(
        MessageChannel.EMAIL, "ann@example.com", subject="Hi Ann\r\nBcc: x@example.com", text="t"
    )
    [result] = await _provider(server).send([message])

    assert server.requests == []
    assert (result.status, result.address_problem) == (DeliveryStatus.PERMANENT, None)
    assert result.reason is not None and result.reason.startswith("subject ")
