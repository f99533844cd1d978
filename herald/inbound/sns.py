"""Amazon SNS HTTP(S) subscriptions: message signatures and subscription confirmation.

SNS signs the canonical string of a message (some of its fields, `Name\\nValue\\n` each, in
a fixed order) with the private key of a certificate it serves at `SigningCertURL`:
SHA1withRSA for SignatureVersion 1, SHA256withRSA for 2. The certificate is believed only
from a trusted host over HTTPS (loopback may use HTTP: it never crosses a network), so a
forger cannot point Herald at a certificate of their own.
"""

from __future__ import annotations

import base64
import json
import re
from typing import Any
from urllib.parse import urlsplit

import httpx
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from herald.inbound.errors import BadPayload, Forbidden, Unauthenticated
from herald.inbound.settings import TwoWaySettings

NOTIFICATION_FIELDS = ("Message", "MessageId", "Subject", "Timestamp", "TopicArn", "Type")
SUBSCRIPTION_FIELDS = (
    "Message", "MessageId", "SubscribeURL", "Timestamp", "Token", "TopicArn", "Type",
)  # fmt: skip
TYPES = ("Notification", "SubscriptionConfirmation", "UnsubscribeConfirmation")
LOOPBACK = {"127.0.0.1", "localhost", "::1"}


def parse(body: bytes) -> dict[str, Any]:
    try:
        envelope = json.loads(body)
    except (UnicodeDecodeError, ValueError) as exc:
        raise BadPayload("body", f"an SNS message must be JSON: {exc}") from None
    if not isinstance(envelope, dict):
        raise BadPayload("body", "an SNS message must be a JSON object")
    kind = envelope.get("Type")
    if kind not in TYPES:
        raise BadPayload("Type", f"SNS Type {kind!r} is not one of {', '.join(TYPES)}")
    fields = NOTIFICATION_FIELDS if kind == "Notification" else SUBSCRIPTION_FIELDS
    for name in ("Signature", "SigningCertURL", *fields):
        if name != "Subject" and not isinstance(envelope.get(name), str):
            raise BadPayload(name, f"SNS field {name} is missing or not a string")
    return envelope


def canonical(envelope: dict[str, Any]) -> bytes:
    fields = NOTIFICATION_FIELDS if envelope["Type"] == "Notification" else SUBSCRIPTION_FIELDS
    parts = [f"{k}\n{envelope[k]}\n" for k in fields if envelope.get(k) is not None]
    return "".join(parts).encode()


class SnsVerifier:
    def __init__(self, settings: TwoWaySettings) -> None:
        self._hosts = re.compile(settings.sns_certificate_hosts)
        self._topics = set(settings.sns_topic_arns)
        self._keys: dict[str, rsa.RSAPublicKey] = {}
        self._http = httpx.AsyncClient(timeout=10)

    def trusted(self, url: str) -> bool:
        parts = urlsplit(url)
        host = parts.hostname or ""
        scheme_ok = parts.scheme == "https" or (parts.scheme == "http" and host in LOOPBACK)
        return scheme_ok and bool(self._hosts.match(host))

    async def verify(self, envelope: dict[str, Any]) -> None:
        """Raise Forbidden (foreign host or topic) or Unauthenticated (bad signature)."""
        url = envelope["SigningCertURL"]
        if not self.trusted(url):
            raise Forbidden(f"SigningCertURL host of {url!r} is not a trusted SNS host")
        if self._topics and envelope["TopicArn"] not in self._topics:
            raise Forbidden(f"topic {envelope['TopicArn']!r} is not in sns_topic_arns")
        algorithm: hashes.HashAlgorithm = (
            hashes.SHA256() if envelope.get("SignatureVersion") == "2" else hashes.SHA1()
        )
        key = await self._key(url)
        try:
            signature = base64.b64decode(envelope["Signature"], validate=True)
            key.verify(signature, canonical(envelope), padding.PKCS1v15(), algorithm)
        except (InvalidSignature, ValueError):
            raise Unauthenticated("the SNS message signature does not verify") from None

    async def confirm(self, envelope: dict[str, Any]) -> None:
        """Visit SubscribeURL (only on a trusted host), which confirms the subscription."""
        url = envelope["SubscribeURL"]
        if not self.trusted(url):
            raise Forbidden(f"SubscribeURL host of {url!r} is not a trusted SNS host")
        response = await self._http.get(url)
        response.raise_for_status()

    async def _key(self, url: str) -> rsa.RSAPublicKey:
        if url not in self._keys:
            try:
                response = await self._http.get(url)
                response.raise_for_status()
                key = x509.load_pem_x509_certificate(response.content).public_key()
            except (httpx.HTTPError, ValueError) as exc:
                raise Unauthenticated(f"cannot load the SNS signing certificate: {exc}") from None
            if not isinstance(key, rsa.RSAPublicKey):
                raise Unauthenticated("the SNS signing certificate is not an RSA certificate")
            self._keys[url] = key
        return self._keys[url]

    async def aclose(self) -> None:
        await self._http.aclose()
