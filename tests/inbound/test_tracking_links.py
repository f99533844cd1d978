"""Tracked links as real templates write them: attributes that merely end in `href`, and
schemes in capitals."""

from __future__ import annotations

import re

from herald.tracking.links import Links, verify
from tests.inbound.conftest import TwoWay, call
from tests.inbound.tracked_mail import add_eve, links, send_tracked

SECRET = b"tracking-secret"


def test_the_href_is_tracked_not_a_data_href_before_it() -> None:
    """`data-href` is not a link; the real href after it must be the one rewritten."""
    tracked = Links("https://h.test", SECRET)
    html = '<a data-href="https://copy.test/x" href="https://shop.test/y">Sale</a>'
    out = tracked.rewrite(html, "k")

    assert 'data-href="https://copy.test/x"' in out  # an app's data attribute, untouched
    [href] = re.findall(r'\shref="([^"]+)"', out)
    data = verify(SECRET, href.rsplit("/t/c/", 1)[-1])
    assert data is not None
    assert (data["k"], data["u"]) == ("k", "https://shop.test/y")


def test_a_link_written_with_an_uppercase_scheme_still_redirects(two_way: TwoWay) -> None:
    """URL schemes are case-insensitive (RFC 3986 3.1); `HTTPS://` links are common in
    emails exported from older editors. The rewriter tracks them, so the redirect must
    work, not answer 403 to the recipient."""
    settings, http = two_way.settings, two_way.http
    add_eve(settings)
    html = '<html><body><a href="HTTPS://shop.test/Sale">Sale</a></body></html>'
    kept = call(settings, lambda h: send_tracked(h, str(http.base_url), html))
    [click], _, _ = links(kept)
    assert "/t/c/" in click  # it was rewritten to the redirect

    followed = http.get(click, follow_redirects=False)
    assert followed.status_code == 302, followed.text
    assert followed.headers["location"].lower() == "https://shop.test/sale"
