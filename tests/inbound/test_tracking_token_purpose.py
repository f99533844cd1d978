"""Each tracking token is taken only by its own route: a forwarded email's open pixel (or one
of its links) cannot unsubscribe the person it was sent to. Tokens signed before they said
what they are for keep working where they could have been meant, so the unsubscribe links
of mail already sent still unsubscribe."""

from __future__ import annotations

from herald.models import Endpoint
from herald.tracking.links import sign
from tests.inbound.conftest import TwoWay, call
from tests.inbound.tracked_mail import add_eve, links, send_tracked

HTML = '<html><body><a href="https://shop.test/sale">Sale</a></body></html>'


def _opt_out(two_way: TwoWay) -> str:
    found: Endpoint | None = call(two_way.settings, lambda h: h.get_endpoint("eve"))
    assert found is not None
    return str(found.opt_out)


def test_a_pixel_or_a_click_token_does_not_unsubscribe(two_way: TwoWay) -> None:
    settings, http = two_way.settings, two_way.http
    add_eve(settings)
    kept = call(settings, lambda h: send_tracked(h, str(http.base_url), HTML))
    [click], pixel, unsubscribe = links(kept)

    for forwarded in (pixel, click):
        token = forwarded.rsplit("/", 1)[-1]
        refused = http.post(f"/t/u/{token}", data={"List-Unsubscribe": "One-Click"})
        assert refused.status_code == 403, refused.text
        assert http.get(f"/t/u/{token}").status_code == 403
    assert _opt_out(two_way) == "NONE"
    unsubscribe_token = unsubscribe.rsplit("/", 1)[-1]
    assert http.get(f"/t/o/{unsubscribe_token}").status_code == 403
    assert http.get(f"/t/c/{unsubscribe_token}", follow_redirects=False).status_code == 403
    assert http.get(f"/t/c/{pixel.rsplit('/', 1)[-1]}", follow_redirects=False).status_code == 403

    assert http.post(unsubscribe, data={"List-Unsubscribe": "One-Click"}).status_code == 200
    assert _opt_out(two_way) == "ALL"


def test_tokens_from_mail_sent_before_they_had_a_purpose_keep_working(two_way: TwoWay) -> None:
    settings, http = two_way.settings, two_way.http
    add_eve(settings)
    call(settings, lambda h: send_tracked(h, str(http.base_url), HTML))
    secret = call(settings, lambda h: h.signing_secret())
    key_only = sign(secret, {"k": "k-mail"})  # the old pixel and unsubscribe link alike
    old_click = sign(secret, {"k": "k-mail", "u": "https://shop.test/sale"})

    followed = http.get(f"/t/c/{old_click}", follow_redirects=False)
    assert (followed.status_code, followed.headers["location"]) == (
        302, "https://shop.test/sale"
    )  # fmt: skip
    assert http.get(f"/t/o/{key_only}").status_code == 200
    assert http.post(f"/t/u/{old_click}").status_code == 403  # a click never unsubscribed
    assert _opt_out(two_way) == "NONE"
    assert http.post(f"/t/u/{key_only}").json() == {"status": "unsubscribed"}
    assert _opt_out(two_way) == "ALL"
