"""A hard bounce suppresses the address that bounced, not the endpoint's address as it is
when the bounce arrives. Bounces come minutes to hours late: an endpoint whose address was
corrected meanwhile keeps its new, good address and stays ACTIVE, and the dead address is
suppressed. The address is the one the message log recorded when the message was sent; for
a message logged before it kept one (revision 0018), the provider's recipient."""

from __future__ import annotations

from collections.abc import Sequence

from herald.channels import ChannelRegistry
from herald.client import HeraldClient
from herald.delivery import deliver
from herald.models import (
    DeliveryResult,
    DeliveryStatus,
    EmailTemplate,
    Endpoint,
    MessageChannel,
    MessageStatus,
    OutgoingMessage,
    SendOutcome,
    SendRequest,
)
from herald.store.messages import claim_message, finish_message
from tests.inbound.conftest import TwoWay, call

SNS = "/v1/webhooks/aws/sns"
OLD, NEW = "cy@old-isp.example", "cy@example.com"
HELLO = EmailTemplate(name="hello", channel="EMAIL", subject="Hi", text="Hello")


class _Ses:
    """Takes every message as SES would, under one message id."""

    name = "ses"

    async def send(self, messages: Sequence[OutgoingMessage]) -> list[DeliveryResult]:
        return [
            DeliveryResult(
                idempotency_key=m.idempotency_key,
                status=DeliveryStatus.ACCEPTED,
                provider=self.name,
                provider_message_id="ses-9",
            )
            for m in messages
        ]


def _cy(address: str) -> Endpoint:
    return Endpoint.model_validate({"Id": "cy", "ChannelType": "EMAIL", "Address": address})


async def _sent(herald: HeraldClient) -> None:
    request = SendRequest(
        idempotency_key="k-old", endpoint_id="cy", channel=MessageChannel.EMAIL,
        template=HELLO.name, content=HELLO,
    )  # fmt: skip
    result = await deliver(
        herald.database, ChannelRegistry({MessageChannel.EMAIL: _Ses()}), request
    )
    assert result.outcome is SendOutcome.SENT


async def _sent_before_0018(herald: HeraldClient) -> None:
    """Logged as the message log did before it kept the address."""
    async with herald.database.session() as session:
        await claim_message(
            session, idempotency_key="k-old", channel=MessageChannel.EMAIL, endpoint_id="cy"
        )
        await finish_message(session, "k-old", MessageStatus.SENT, provider_message_id="ses-9")


def _bounce(recipient: str | None) -> dict[str, object]:
    bounce: dict[str, object] = {"bounceType": "Permanent", "bounceSubType": "General"}
    mail: dict[str, object] = {"messageId": "ses-9"}
    if recipient is not None:
        bounce["bouncedRecipients"] = [{"emailAddress": recipient}]
        mail["destination"] = [recipient]
    return {"notificationType": "Bounce", "bounce": bounce, "mail": mail}


def _suppressed(two_way: TwoWay) -> list[str]:
    return [
        s.address for s in call(two_way.settings, lambda h: h.suppressions(MessageChannel.EMAIL))
    ]


def _cy_now(two_way: TwoWay) -> Endpoint:
    cy = call(two_way.settings, lambda h: h.get_endpoint("cy"))
    assert cy is not None
    return cy


def test_a_late_bounce_suppresses_the_address_that_bounced(two_way: TwoWay) -> None:
    settings = two_way.settings
    call(settings, lambda h: h.upsert_endpoints([_cy(OLD)]))
    call(settings, _sent)  # the message went to the old address
    call(settings, lambda h: h.upsert_endpoints([_cy(NEW)]))  # then she corrected it
    # No recipient in the notification: the message log's own record is enough.
    assert two_way.http.post(SNS, content=two_way.sns.notification(_bounce(None))).is_success

    assert _suppressed(two_way) == [OLD]
    cy = _cy_now(two_way)
    assert (cy.address, cy.endpoint_status, cy.opt_out) == (NEW, "ACTIVE", "NONE")
    events = call(settings, lambda h: h.events("cy"))
    assert [e.event_type for e in events] == ["_email.send", "_email.hardbounce"]


def test_a_late_bounce_of_a_message_logged_without_its_address_suppresses_ses_recipient(
    two_way: TwoWay,
) -> None:
    settings = two_way.settings
    call(settings, lambda h: h.upsert_endpoints([_cy(OLD)]))
    call(settings, _sent_before_0018)
    call(settings, lambda h: h.upsert_endpoints([_cy(NEW)]))
    assert two_way.http.post(SNS, content=two_way.sns.notification(_bounce(OLD))).is_success

    assert _suppressed(two_way) == [OLD]
    assert _cy_now(two_way).endpoint_status == "ACTIVE"


def test_a_bounce_of_the_current_address_in_another_case_marks_the_endpoint(
    two_way: TwoWay,
) -> None:
    """SES may name the recipient in another case than the endpoint keeps it."""
    settings = two_way.settings
    call(settings, lambda h: h.upsert_endpoints([_cy("Cy@Example.com")]))
    call(settings, _sent_before_0018)
    assert two_way.http.post(SNS, content=two_way.sns.notification(_bounce(NEW))).is_success

    assert _suppressed(two_way) == [NEW]
    assert _cy_now(two_way).endpoint_status == "INACTIVE"
