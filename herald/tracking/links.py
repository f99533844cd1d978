"""Signed tracking URLs: a click redirect, an open pixel, a one-click unsubscribe.

A token is `<base64url(JSON)>.<base64url(HMAC-SHA256)>`, signed with Herald's secret: a
tampered token, or a URL somebody else made, is refused, so the redirect is not an open one.

A token says what it is for (`p`: click, open or unsubscribe) and each route takes only its
own: the open pixel of a forwarded email, or one of its links, cannot unsubscribe the person
it was sent to. Tokens signed before they said so (legacy: `{"k"}` for the pixel and the
unsubscribe link alike, `{"k", "u"}` for a click) are still taken where they could have been
meant, so unsubscribe links in mail already sent keep working: see `purposes`.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import html
import json
import re
from typing import Any
from urllib.parse import urlsplit

CLICK, OPEN, UNSUBSCRIBE = "c", "o", "u"

# An <a> start tag, attribute by attribute as a browser reads them: a name, then maybe `=`
# and a value (quoted, where a `>` does not end the tag, or bare). Possessive: no
# backtracking, and only the end of the text stops a tag before its `>`.
_NAME = r"[^\s/>][^\s/>=]*+"
_VALUE = r"""(?:"[^"]*+"|'[^']*+'|[^\s>]*+)"""
A_START = re.compile(r"<a(?=[\s/>])", re.IGNORECASE)
A_TAG = re.compile(rf"<a(?=[\s/>])(?:[\s/]++|{_NAME}(?:\s*+=\s*+{_VALUE})?+)*+>", re.IGNORECASE)
ATTRIBUTE = re.compile(rf"[\s/]++|(?P<name>{_NAME})(?:(?P<eq>\s*+=\s*+)(?P<value>{_VALUE}))?+")
BODY_END = re.compile(r"</body\s*>", re.IGNORECASE)


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def sign(secret: bytes, data: dict[str, str]) -> str:
    payload = _b64(json.dumps(data, separators=(",", ":")).encode())
    mac = hmac.new(secret, payload.encode(), hashlib.sha256).digest()
    return f"{payload}.{_b64(mac)}"


def verify(secret: bytes, token: str) -> dict[str, Any] | None:
    payload, _, mac = token.partition(".")
    expected = _b64(hmac.new(secret, payload.encode(), hashlib.sha256).digest())
    if not mac or not hmac.compare_digest(mac.encode(), expected.encode()):
        return None
    try:
        data = json.loads(_unb64(payload))
    except ValueError:
        return None
    return data if isinstance(data, dict) else None


def purposes(data: dict[str, Any]) -> frozenset[str]:
    """What a verified token may be used for.

    A token that says (`p`) is for that alone. A legacy one, signed before tokens said: with
    a destination (`u`) a click; without, the open pixel or the unsubscribe link, which
    signed the same payload and cannot be told apart. Legacy key-only tokens stay good for
    unsubscribing, so the unsubscribe links of mail already sent keep working (refusing them
    would break a promise the mail made); the price is that the pixel of such a mail, if
    forwarded, can still unsubscribe its recipient. Only tokens made before the purpose was
    added carry that risk, and no new one does."""
    said = data.get("p")
    if said is not None:
        return frozenset({said}) if said in (CLICK, OPEN, UNSUBSCRIBE) else frozenset()
    return frozenset({CLICK}) if "u" in data else frozenset({OPEN, UNSUBSCRIBE})


def is_web_url(url: str) -> bool:
    """An http(s) URL, whatever the case of its scheme (RFC 3986 3.1: `HTTPS://` is one)."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    return parts.scheme.lower() in ("http", "https") and bool(parts.netloc)


class Links:
    def __init__(self, base_url: str, secret: bytes) -> None:
        self.base = base_url.rstrip("/")
        self.secret = secret

    def click(self, key: str, url: str) -> str:
        return f"{self.base}/t/c/{sign(self.secret, {'k': key, 'u': url, 'p': CLICK})}"

    def open_pixel(self, key: str) -> str:
        return f"{self.base}/t/o/{sign(self.secret, {'k': key, 'p': OPEN})}"

    def unsubscribe(self, key: str) -> str:
        return f"{self.base}/t/u/{sign(self.secret, {'k': key, 'p': UNSUBSCRIBE})}"

    def rewrite(self, body: str, key: str) -> str:
        """Every http(s) link through the click redirect, and the open pixel at the end."""
        parts, done = [], 0
        while (start := A_START.search(body, done)) is not None:
            tag = A_TAG.match(body, start.start())
            if tag is None:
                break  # a tag left open runs to the end of the text, as browsers read it
            parts += [body[done : tag.start()], self._tracked(tag.group(0), key)]
            done = tag.end()
        rewritten = "".join([*parts, body[done:]])
        pixel = f'<img src="{html.escape(self.open_pixel(key))}" width="1" height="1" alt="">'
        if BODY_END.search(rewritten):
            return BODY_END.sub(lambda m: pixel + m.group(0), rewritten, count=1)
        return rewritten + pixel

    def _tracked(self, tag: str, key: str) -> str:
        """The <a> tag with its `href` (the first, as browsers take it; not a `data-href`)
        through the click redirect, if it is an http(s) link; otherwise as it was."""
        for attribute in ATTRIBUTE.finditer(tag, 2, len(tag) - 1):
            name = attribute.group("name")
            if name is None or name.lower() != "href":
                continue
            value = attribute.group("value")
            if value is None:
                return tag
            if value[:1] in ("'", '"'):
                value = value[1:-1]
            # Browsers strip a URL attribute's surrounding whitespace before reading it.
            url = html.unescape(value).strip()
            if not is_web_url(url):
                return tag
            quoted = f'"{html.escape(self.click(key, url))}"'
            start, end = attribute.span("value")
            return tag[:start] + quoted + tag[end:]
        return tag

    def headers(self, key: str) -> dict[str, str]:
        """RFC 8058 one-click unsubscribe: mail clients POST to the URL, no page to visit."""
        return {
            "List-Unsubscribe": f"<{self.unsubscribe(key)}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        }
