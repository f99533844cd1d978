"""A served Herald API with webhook secrets set, a signed-SNS certificate on loopback."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import time
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import httpx
import pytest

from herald.api.app import create_app
from herald.client import HeraldClient
from herald.inbound.settings import TwoWaySettings
from herald.models import Endpoint
from herald.settings import Settings
from herald.store import upgrade
from tests.inbound.sns_signing import SnsSigner, certificate
from tests.loopback_http import Loopback, loopback_server, serve_app

TWILIO_TOKEN = "twilio-auth-token-for-tests"
WEBHOOK_SECRET = "generic-webhook-secret"
T = TypeVar("T")


@dataclass
class TwoWay:
    http: httpx.Client
    settings: Settings
    sns: SnsSigner
    aws: Loopback  # serves the signing certificate and records SubscribeURL visits


@pytest.fixture
def two_way(tmp_path: Path) -> Iterator[TwoWay]:
    key, pem = certificate()
    with loopback_server() as aws:
        aws.answers.append((200, {"Content-Type": "application/x-pem-file"}, pem))
        settings = Settings(
            database_url=f"sqlite:///{tmp_path / 'h.db'}",
            two_way=TwoWaySettings(
                twilio_auth_token=TWILIO_TOKEN,
                webhook_secret=WEBHOOK_SECRET,
                sns_certificate_hosts=r"^127\.0\.0\.1$",
                max_body_bytes=16_000,
            ),
        )
        upgrade(settings.resolved_database_url)
        with serve_app(create_app(settings)) as http:
            yield TwoWay(http, settings, SnsSigner(key, f"{aws.url}/cert.pem"), aws)


def call(settings: Settings, work: Callable[[HeraldClient], Awaitable[T]]) -> T:
    """Run one client call against the served API's database (to set up or look)."""

    async def go() -> T:
        async with await HeraldClient.connect(settings, migrate=False) as herald:
            return await work(herald)

    return asyncio.run(go())


def signed_post(http: httpx.Client, reply: dict[str, str]) -> httpx.Response:
    """POST `reply` to the generic inbound webhook, signed as a provider would sign it."""
    body = json.dumps(reply).encode()
    stamp = int(time.time())
    digest = hmac.new(WEBHOOK_SECRET.encode(), f"{stamp}.".encode() + body, hashlib.sha256)
    header = f"t={stamp},v1={digest.hexdigest()}"
    return http.post("/v1/webhooks/inbound", content=body, headers={"X-Herald-Signature": header})


def sms_endpoint(endpoint_id: str, number: str) -> Endpoint:
    return Endpoint.model_validate({"Id": endpoint_id, "ChannelType": "SMS", "Address": number})
