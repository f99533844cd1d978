"""An email reply as Herald reads it: its new text (the plain-text part, or the HTML part read
as text, without the quoted message below it), and its sender in the form endpoints store
addresses."""

from __future__ import annotations

import re
from email import message_from_bytes, policy
from email.message import EmailMessage, MIMEPart
from html.parser import HTMLParser

from herald.models.addresses import AddressError, normalise_email

# Where the quoted message starts, at the start of a (stripped) line: a `>` quote, Outlook's
# "-----Original Message-----", and the line of underscores Outlook puts above its header.
QUOTE_START = re.compile(r"^(>|-{2,}\s*Original Message\s*-{2,}|_{20,}$)", re.IGNORECASE)
# "On Tue, 3 Mar 2026 Ann <a@x> wrote:", which Gmail wraps onto the next line or two.
ATTRIBUTION_START = re.compile(r"^On\s", re.IGNORECASE)
ATTRIBUTION_END = re.compile(r"wrote:$", re.IGNORECASE)
ATTRIBUTION_LINES = 3
# Outlook's plain header block: "From: ..." with "Sent: ..." on one of the next lines.
HEADER_FROM = re.compile(r"^From:", re.IGNORECASE)
HEADER_SENT = re.compile(r"^Sent:", re.IGNORECASE)
HEADER_LINES = 3

# HTML read as text: what is never shown, what starts a new line, and the containers mail
# clients put the quoted message in (everything from one on is the quote).
HTML_HIDDEN = {"style", "script", "template", "title"}  # and the whole <head>
HTML_BLOCKS = {
    "address", "article", "aside", "blockquote", "center", "dd", "div", "dl", "dt",
    "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6",
    "header", "hr", "li", "main", "nav", "ol", "p", "pre", "section", "table", "td", "th",
    "tr", "ul",
}  # fmt: skip
HTML_PARAGRAPHS = {"p", "h1", "h2", "h3", "h4", "h5", "h6"}
QUOTE_CLASSES = {"gmail_quote", "gmail_quote_container", "yahoo_quoted", "moz-cite-prefix"}
QUOTE_IDS = {"divRplyFwdMsg"}  # Outlook's header above the quoted message
SPACES = re.compile(r"[ \t\r\n\f]+")


def reply_text(raw: bytes) -> str:
    parsed = message_from_bytes(raw, policy=policy.default)
    assert isinstance(parsed, EmailMessage)
    part = parsed.get_body(preferencelist=("plain", "html"))
    body = _content(part) if part is not None else ""
    if part is not None and part.get_content_type() == "text/html":
        body = html_text(body)
    return new_text(body) or str(parsed.get("Subject", ""))


def _content(part: MIMEPart) -> str:
    """The part's text. A charset Python does not know (a mail client's own label) is read
    as UTF-8, with what does not decode replaced: the reply is still kept and routed."""
    try:
        return str(part.get_content())
    except LookupError:
        payload = part.get_payload(decode=True)
        return payload.decode("utf-8", errors="replace") if isinstance(payload, bytes) else ""


def new_text(body: str) -> str:
    """The text above the quoted message: cut at the first line that starts the quote."""
    written = body.splitlines()
    lines = [line.strip() for line in written]
    for n, line in enumerate(lines):
        if QUOTE_START.match(line) or _attribution(lines, n) or _outlook_header(lines, n):
            written = written[:n]
            break
    return "\n".join(written).strip()


def _attribution(lines: list[str], n: int) -> bool:
    """Whether line n starts "On ... wrote:", ending on it or on one of the next lines (a
    wrapped attribution runs on without a blank line or another "On ")."""
    if not ATTRIBUTION_START.match(lines[n]):
        return False
    for k, line in enumerate(lines[n : n + ATTRIBUTION_LINES]):
        if k and (not line or ATTRIBUTION_START.match(line)):
            return False
        if ATTRIBUTION_END.search(line):
            return True
    return False


def _outlook_header(lines: list[str], n: int) -> bool:
    return bool(HEADER_FROM.match(lines[n])) and any(
        HEADER_SENT.match(line) for line in lines[n + 1 : n + 1 + HEADER_LINES]
    )


def html_text(html: str) -> str:
    """An HTML body as the text it shows, up to the quoted message's container."""
    reader = _HtmlText()
    reader.feed(html)
    reader.close()
    lines = [SPACES.sub(" ", line).strip() for line in "".join(reader.parts).split("\n")]
    kept: list[str] = []
    for line in lines:
        if line or (kept and kept[-1]):  # one blank line between paragraphs
            kept.append(line)
    return "\n".join(kept).strip()


class _HtmlText(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)  # entities come decoded to handle_data
        self.parts: list[str] = []
        self.newlines = 0  # the text so far ends with this many line ends
        self.hidden = 0  # depth in style, script, ...
        self.in_head = False
        self.quoted = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.quoted:
            return
        if tag == "body":
            self.in_head = False  # a head left unclosed ends where the body starts
        elif tag == "head":
            self.in_head = True
        elif tag in HTML_HIDDEN:
            self.hidden += 1
        elif _quote_container(tag, attrs):
            self.quoted = True
        elif tag == "br":
            self._end_lines(self.newlines + 1)  # each <br> is a line end
        elif tag in HTML_BLOCKS:
            self._end_lines(2 if tag in HTML_PARAGRAPHS else 1)

    def handle_endtag(self, tag: str) -> None:
        if self.quoted:
            return
        if tag == "head":
            self.in_head = False
        elif tag in HTML_HIDDEN:
            self.hidden = max(0, self.hidden - 1)
        elif tag in HTML_BLOCKS:
            self._end_lines(2 if tag in HTML_PARAGRAPHS else 1)

    def handle_data(self, data: str) -> None:
        if self.quoted or self.hidden or self.in_head:
            return
        # Whitespace runs show as one space; &nbsp; is a space in text.
        text = SPACES.sub(" ", data).replace("\xa0", " ")
        self.parts.append(text)
        if text.strip():
            self.newlines = 0

    def _end_lines(self, lines: int) -> None:
        """End the text so far with (at least) this many line ends: a block starts a line
        (adjacent blocks one), a paragraph leaves a blank line."""
        if self.parts:
            self.parts.append("\n" * max(0, lines - self.newlines))
            self.newlines = max(self.newlines, lines)


def _quote_container(tag: str, attrs: list[tuple[str, str | None]]) -> bool:
    if tag == "blockquote":
        return True
    found = dict(attrs)
    classes = set((found.get("class") or "").split())
    return bool(classes & QUOTE_CLASSES) or found.get("id") in QUOTE_IDS


def reply_sender(address: str) -> str:
    """The sender as `normalise_email` writes endpoint addresses (the domain lower-cased, the
    local part as written), so the reply is recorded in the form its endpoints have.

    A sender that is no address (a bounce's `MAILER-DAEMON`) is kept, lower-cased as it
    always was: it is still recorded, and finds no endpoint.
    """
    try:
        return normalise_email(address)
    except AddressError:
        return address.lower()
