"""Tracking in email to a raw address (a transactional send to `addresses`), which no
endpoint has: the recipient still gets where the link goes, and unsubscribing works."""

from __future__ import annotations

from herald.client import HeraldClient
from herald.models import MessageChannel
from herald.store.suppressions import find_suppression
from herald.store.tables import SuppressionRow
from tests.inbound.conftest import TwoWay, call
from tests.inbound.tracked_mail import add_eve, links, send_tracked

BOB = "bob@example.com"
ORDER = '<html><body><a href="https://shop.test/order/1">Your order</a></body></html>'


async def _suppression(herald: HeraldClient) -> SuppressionRow | None:
    async with herald.database.session() as session:
        return await find_suppression(session, MessageChannel.EMAIL, BOB)


def test_a_click_in_an_email_to_a_raw_address_redirects(two_way: TwoWay) -> None:
    settings, http = two_way.settings, two_way.http
    base = str(http.base_url)
    kept = call(settings, lambda h: send_tracked(h, base, ORDER, endpoint_id=BOB, address=BOB))
    [click], pixel, _ = links(kept)

    followed = http.get(click, follow_redirects=False)
    assert followed.status_code == 302, followed.text
    assert followed.headers["location"] == "https://shop.test/order/1"
    opened = http.get(pixel)
    assert opened.status_code == 200, opened.text
    assert call(settings, lambda h: h.events(BOB)) == []  # nothing to record it on: logged


def test_a_click_after_the_endpoint_was_deleted_redirects(two_way: TwoWay) -> None:
    settings, http = two_way.settings, two_way.http
    add_eve(settings)
    kept = call(settings, lambda h: send_tracked(h, str(http.base_url), ORDER))
    call(settings, lambda h: h.delete_endpoint("eve"))
    [click], pixel, _ = links(kept)

    followed = http.get(click, follow_redirects=False)
    assert (followed.status_code, followed.headers["location"]) == (
        302, "https://shop.test/order/1"
    )  # fmt: skip
    assert http.get(pixel).status_code == 200


def test_one_click_unsubscribe_from_an_email_to_a_raw_address_suppresses_it(
    two_way: TwoWay,
) -> None:
    """The mail carried List-Unsubscribe; the POST answers 'unsubscribed', so the address
    must not be mailed again."""
    settings, http = two_way.settings, two_way.http
    html = "<html><body><p>Receipt</p></body></html>"
    base = str(http.base_url)
    kept = call(settings, lambda h: send_tracked(h, base, html, endpoint_id=BOB, address=BOB))
    _, _, unsubscribe = links(kept)

    answer = http.post(unsubscribe, data={"List-Unsubscribe": "One-Click"})
    assert answer.status_code == 200

    listed = call(settings, _suppression)
    assert listed is not None, "said 'unsubscribed' but did nothing"
    assert (listed.reason, listed.detail) == ("OPTED_OUT", "email unsubscribe")
