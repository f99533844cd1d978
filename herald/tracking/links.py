"""Signed tracking URLs: a click redirect, an open pixel, a one-click unsubscribe.

A token is `<base64url(JSON)>.<base64url(HMAC-SHA256)>`, signed with Herald's secret: a
tampered token, or a URL somebody else made, is refused, so the redirect is not an open one.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import html
import json
import re
from typing import Any

HREF = re.compile(r"""(<a\b[^>]*?\bhref\s*=\s*)(["'])(https?://[^"']+)\2""", re.IGNORECASE)
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


class Links:
    def __init__(self, base_url: str, secret: bytes) -> None:
        self.base = base_url.rstrip("/")
        self.secret = secret

    def click(self, key: str, url: str) -> str:
        return f"{self.base}/t/c/{sign(self.secret, {'k': key, 'u': url})}"

    def open_pixel(self, key: str) -> str:
        return f"{self.base}/t/o/{sign(self.secret, {'k': key})}"

    def unsubscribe(self, key: str) -> str:
        return f"{self.base}/t/u/{sign(self.secret, {'k': key})}"

    def rewrite(self, body: str, key: str) -> str:
        """Every http(s) link through the click redirect, and the open pixel at the end."""

        def tracked(match: re.Match[str]) -> str:
            start, quote, url = match.group(1), match.group(2), html.unescape(match.group(3))
            return f"{start}{quote}{html.escape(self.click(key, url))}{quote}"

        rewritten = HREF.sub(tracked, body)
        pixel = f'<img src="{html.escape(self.open_pixel(key))}" width="1" height="1" alt="">'
        if BODY_END.search(rewritten):
            return BODY_END.sub(lambda m: pixel + m.group(0), rewritten, count=1)
        return rewritten + pixel

    def headers(self, key: str) -> dict[str, str]:
        """RFC 8058 one-click unsubscribe: mail clients POST to the URL, no page to visit."""
        return {
            "List-Unsubscribe": f"<{self.unsubscribe(key)}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        }
