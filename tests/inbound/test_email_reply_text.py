"""What Herald reads as an email reply's text: only the new text above the quoted message,
from the plain-text part or, in an HTML-only reply, from the HTML read as text; and which
`wait_for_reply` branch that text takes."""

from __future__ import annotations

import base64

import pytest

from herald.inbound.email_text import reply_text
from herald.models import Endpoint
from herald.models.journey_steps import ReplyBranch
from tests.inbound.conftest import TwoWay, call
from workflows.steps.wait_for_reply import branch_for

SNS = "/v1/webhooks/aws/sns"
BRANCHES = [
    ReplyBranch.model_validate({"keywords": ["YES"], "next": "glad"}),
    ReplyBranch.model_validate({"pattern": "^[1-5]$", "next": "score"}),
]


def mime(content_type: str, body: str) -> bytes:
    return (
        "From: Cy <cy@example.com>\r\nTo: news@acme.test\r\nSubject: Re: How did we do?\r\n"
        f"MIME-Version: 1.0\r\nContent-Type: {content_type}; charset=UTF-8\r\n\r\n{body}"
    ).encode()


def reply_via_ses(two_way: TwoWay, n: int, content_type: str, body: str) -> str:
    """POST an SES receiving notification of a reply from cy; the text Herald recorded."""
    post_ses(two_way, f"rx-{n}", mime(content_type, body))
    [event] = [e for e in call(two_way.settings, lambda h: h.events("cy"))
               if e.attributes.get("message_body") is not None][-1:]  # fmt: skip
    return str(event.attributes["message_body"])


def post_ses(two_way: TwoWay, message_id: str, raw: bytes) -> None:
    cy = Endpoint.model_validate({"Id": "cy", "ChannelType": "EMAIL", "Address": "cy@example.com"})
    call(two_way.settings, lambda h: h.upsert_endpoints([cy]))
    received = {
        "notificationType": "Received",
        "mail": {"messageId": message_id, "source": "cy@example.com",
                 "destination": ["news@acme.test"]},
        "receipt": {"recipients": ["news@acme.test"],
                    "action": {"type": "SNS", "encoding": "BASE64"}},
        "content": base64.b64encode(raw).decode(),
    }  # fmt: skip
    answer = two_way.http.post(SNS, content=two_way.sns.notification(received))
    assert answer.status_code == 200, answer.text


# Gmail's HTML part of a reply: the new text, then the quote in a div.gmail_quote.
GMAIL_HTML = (
    '<div dir="ltr">{text}</div><br><div class="gmail_quote"><div dir="ltr" '
    'class="gmail_attr">On Tue, Mar 3, 2026 at 10:00 AM Acme &lt;<a href="mailto:'
    'news@acme.test">news@acme.test</a>&gt; wrote:<br></div><blockquote class="gmail_quote">'
    "How did we do? Reply 1-5, or YES to hear about our offers.</blockquote></div>"
)
# Outlook on the web: the new text, a rule, then its header in div#divRplyFwdMsg.
OUTLOOK_HTML = (
    '<html><head><meta charset="utf-8"><style type="text/css">p {{margin:0}}</style></head>'
    '<body><div style="font-family:Calibri">{text}</div><hr tabindex="-1" style="display:'
    'inline-block;width:98%"><div id="divRplyFwdMsg" dir="ltr"><b>From:</b> Acme &lt;news@'
    "acme.test&gt;<br><b>Sent:</b> Tuesday, March 3, 2026 10:00 AM<br><b>Subject:</b> How "
    "did we do?</div><div>How did we do? Reply 1-5.</div></body></html>"
)


@pytest.mark.parametrize(
    ("html", "branch"),
    [
        (GMAIL_HTML.format(text="4"), "score"),
        # A rich-text editor writes the space the person typed after their word as &nbsp;.
        (GMAIL_HTML.format(text="Yes&nbsp;"), "glad"),
        # Outlook-style HTML carries its styles in the head.
        ("<html><head><style>p.MsoNormal {margin:0cm}</style></head><body>"
         '<p class="MsoNormal">Yes</p></body></html>', "glad"),
    ],
    ids=["gmail-quote", "nbsp", "style-in-head"],
)  # fmt: skip
def test_an_html_only_reply_is_read_as_its_new_text(
    two_way: TwoWay, html: str, branch: str
) -> None:
    text = reply_via_ses(two_way, 1, "text/html", html)
    taken = branch_for(text, BRANCHES)
    assert taken is not None and taken.next == branch, f"no branch for the text {text!r}"
    assert "wrote:" not in text and "&nbsp;" not in text and "{" not in text, text


def test_a_plain_reply_whose_quote_header_gmail_wrapped_is_read_as_its_new_text(
    two_way: TwoWay,
) -> None:
    """Gmail hard-wraps its plain-text part at 78 columns, so a long attribution line comes
    as `On ... <address>` and `wrote:` on the next line, then the `>` quote."""
    body = (
        "4\r\n\r\nOn Tue, Mar 3, 2026 at 10:00 AM Acme Customer Care <news@acme.test>\r\n"
        "wrote:\r\n\r\n> How did we do? Reply 1-5.\r\n"
    )
    text = reply_via_ses(two_way, 2, "text/plain", body)
    assert text == "4"
    taken = branch_for(text, BRANCHES)
    assert taken is not None and taken.next == "score"


@pytest.mark.parametrize(
    ("html", "text"),
    [
        (OUTLOOK_HTML.format(text="Yes, 5 &lt;3"), "Yes, 5 <3"),
        ("<p>Yes</p><blockquote type=\"cite\">On Mon, Acme wrote:<br>How did we do?</blockquote>",
         "Yes"),
        ("<script>track('open')</script><div>Maybe</div><div>not&#8201;sure</div>",
         "Maybe\nnot\u2009sure"),
        ("<p>Line one<br>line two</p><p>Next\n   paragraph</p>",
         "Line one\nline two\n\nNext paragraph"),
    ],
    ids=["outlook-web", "blockquote", "script-and-divs", "breaks-and-paragraphs"],
)  # fmt: skip
def test_html_reads_as_the_text_it_shows_up_to_the_quote(html: str, text: str) -> None:
    assert reply_text(mime("text/html", html)) == text


@pytest.mark.parametrize(
    ("body", "text"),
    [
        # Outlook's plain text: a line of underscores, then its From/Sent header block.
        ("Yes\r\n\r\n________________________________\r\nFrom: Acme <news@acme.test>\r\n"
         "Sent: Tuesday, March 3, 2026 10:00 AM\r\nSubject: How did we do?\r\n\r\nReply 1-5.",
         "Yes"),
        # The header block without the underscores (as Outlook desktop writes it).
        ("3\r\n\r\nFrom: Acme <news@acme.test>\r\nSent: Tuesday, March 3, 2026\r\n"
         "To: cy@example.com\r\n\r\nReply 1-5.", "3"),
        # An attribution wrapped onto three lines.
        ("Yes\r\nOn Tue, Mar 3, 2026 at 10:00 AM Acme Customer Care and Loyalty Team\r\n"
         "<news+campaigns-and-launches@acme.test>\r\nwrote:\r\n> Coming?", "Yes"),
    ],
    ids=["outlook-underscores", "outlook-header", "attribution-on-three-lines"],
)  # fmt: skip
def test_plain_text_is_cut_at_the_quote_header(body: str, text: str) -> None:
    assert reply_text(mime("text/plain", body)) == text


@pytest.mark.parametrize(
    ("body", "text"),
    [
        ("On my way", "On my way"),
        ("On my way,\r\nsee you at 10", "On my way,\nsee you at 10"),
        ("On my way\r\n\r\nOn Tue, Acme <news@acme.test>\r\nwrote:\r\n> Coming?", "On my way"),
    ],
    ids=["alone", "two-lines", "then-a-quote"],
)  # fmt: skip
def test_a_reply_that_starts_with_on_keeps_its_text(body: str, text: str) -> None:
    """Kept (these pass before the quote-cutting change too: they guard it against cutting
    a reply's own "On ..." line that is no attribution)."""
    assert reply_text(mime("text/plain", body)) == text


def test_a_reply_in_a_charset_python_does_not_know_is_still_read(two_way: TwoWay) -> None:
    """A mail client's own charset label made reading the reply raise, so the webhook
    answered 500 and SNS redelivered it for hours; it is read as UTF-8 instead."""
    labelled = mime("text/plain", "4\r\n").replace(b"charset=UTF-8", b"charset=x-mac-unknown")
    post_ses(two_way, "rx-charset", labelled)
    assert reply_text(labelled) == "4"
