"""Signing SNS messages in tests, with a certificate the test serves on loopback."""

from __future__ import annotations

import base64
import json
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509.oid import NameOID

from herald.inbound.sns import canonical

TOPIC = "arn:aws:sns:us-east-1:123456789012:herald-two-way"


def certificate() -> tuple[rsa.RSAPrivateKey, bytes]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "sns.amazonaws.com")])
    now = datetime.now(UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=1))
        .sign(key, hashes.SHA256())
    )
    return key, cert.public_bytes(serialization.Encoding.PEM)


@dataclass
class SnsSigner:
    key: rsa.RSAPrivateKey
    cert_url: str

    def sign(self, envelope: dict[str, Any]) -> dict[str, Any]:
        signed = {**envelope, "SignatureVersion": "2", "SigningCertURL": self.cert_url}
        raw = self.key.sign(canonical(signed), padding.PKCS1v15(), hashes.SHA256())
        return {**signed, "Signature": base64.b64encode(raw).decode()}

    def notification(self, message: dict[str, Any], message_id: str | None = None) -> bytes:
        envelope = {
            "Type": "Notification",
            "MessageId": message_id or str(uuid.uuid4()),
            "TopicArn": TOPIC,
            "Message": json.dumps(message),
            "Timestamp": datetime.now(UTC).isoformat(),
        }
        return json.dumps(self.sign(envelope)).encode()

    def confirmation(self, subscribe_url: str) -> bytes:
        envelope = {
            "Type": "SubscriptionConfirmation",
            "MessageId": str(uuid.uuid4()),
            "Token": "token-1",
            "TopicArn": TOPIC,
            "Message": "You have chosen to subscribe to the topic.",
            "SubscribeURL": subscribe_url,
            "Timestamp": datetime.now(UTC).isoformat(),
        }
        return json.dumps(self.sign(envelope)).encode()
