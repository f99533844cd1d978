"""Tracking: links rewritten to signed redirects, the open pixel, one-click unsubscribe."""

from __future__ import annotations

import re

from herald.channels.outbox import OutboxProvider
from herald.client import HeraldClient
from herald.models import (
    Endpoint,
    MessageChannel,
    MessageStatus,
    OutboxMessage,
    OutgoingMessage,
    RenderedMessage,
)
from herald.store.messages import claim_message, finish_message
from herald.tracking.links import Links
from herald.tracking.provider import TrackingProvider
from tests.inbound.conftest import TwoWay, call

HTML = '<html><body><a href="https://shop.test/sale?a=1&amp;b=2">Sale</a></body></html>'


async def _send(herald: HeraldClient, base: str) -> OutboxMessage:
    two_way = herald.settings.two_way.model_copy(update={"public_url": base})
    provider = TrackingProvider(OutboxProvider(herald.database), two_way, herald.database)
    message = OutgoingMessage(
        idempotency_key="k-track",
        channel=MessageChannel.EMAIL,
        endpoint_id="eve",
        address="eve@example.com",
        content=RenderedMessage(subject="Sale", html=HTML, text="Sale"),
    )
    async with herald.database.session() as session:
        await claim_message(
            session, idempotency_key="k-track", channel=MessageChannel.EMAIL, endpoint_id="eve"
        )
        await finish_message(session, "k-track", MessageStatus.SENT)
    await provider.send([message])
    [kept] = await herald.outbox(endpoint_id="eve")
    return kept


def test_clicks_opens_and_one_click_unsubscribe(two_way: TwoWay) -> None:
    settings, http = two_way.settings, two_way.http
    eve = Endpoint.model_validate(
        {"Id": "eve", "ChannelType": "EMAIL", "Address": "eve@example.com"}
    )
    call(settings, lambda h: h.upsert_endpoints([eve]))
    kept = call(settings, lambda h: _send(h, str(http.base_url)))
    html = kept.content.html or ""
    [click] = re.findall(r'href="([^"]+)"', html)
    [pixel] = re.findall(r'src="([^"]+)"', html)
    assert "shop.test" not in html
    unsubscribe = kept.content.headers["List-Unsubscribe"].strip("<>")
    assert kept.content.headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"

    followed = http.get(click.replace("&amp;", "&"), follow_redirects=False)
    assert (followed.status_code, followed.headers["location"]) == (
        302, "https://shop.test/sale?a=1&b=2"
    )  # fmt: skip
    assert http.get(pixel).headers["content-type"] == "image/gif"
    assert http.get(click[:-3] + "AAA", follow_redirects=False).status_code == 403
    secret = call(settings, lambda h: h.signing_secret())
    foreign = Links(str(http.base_url), b"not herald's secret").click(
        "k-track", "https://evil.test"
    )
    assert http.get(foreign, follow_redirects=False).status_code == 403
    assert [e.event_type for e in call(settings, lambda h: h.events("eve"))] == [
        "_email.click", "_email.open"
    ]  # fmt: skip
    assert secret  # made once, kept in the database

    assert "<form method=post>" in http.get(unsubscribe).text
    assert call(settings, lambda h: h.get_endpoint("eve")).opt_out == "NONE"  # type: ignore[union-attr]
    assert http.post(unsubscribe, data={"List-Unsubscribe": "One-Click"}).status_code == 200
    assert call(settings, lambda h: h.get_endpoint("eve")).opt_out == "ALL"  # type: ignore[union-attr]
