"""`herald_messages_total` is a Prometheus counter: no series of it may go down (rate() and
increase() read a fall as a reset, and show false spikes). Messages not finished yet are
the gauge `herald_messages_pending`."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from herald.api.app import create_app
from herald.auth.keys import Scope
from herald.models import MessageChannel, MessageStatus
from herald.settings import Settings
from herald.store import Database, upgrade
from herald.store.messages import claim_message, finish_message
from tests.conftest import write_key
from tests.loopback_http import serve_app


@pytest.fixture
def url(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'h.db'}"
    upgrade(url)
    return url


@pytest.fixture
def api(url: str) -> Iterator[httpx.Client]:
    settings = Settings(database_url=url)
    key = asyncio.run(write_key(settings, "prometheus", Scope.READ))
    with serve_app(create_app(settings)) as client:
        client.headers["Authorization"] = f"Bearer {key}"
        yield client


def _series(text: str, metric: str) -> dict[str, float]:
    return {
        m.group(1): float(m.group(2))
        for m in re.finditer(rf"^({metric}\{{[^}}]*\}}) (\S+)$", text, re.MULTILINE)
    }


async def test_messages_total_never_goes_down(url: str, api: httpx.Client) -> None:
    database = Database(url)
    async with database.session() as session:
        for key in ("k0", "k1"):
            await claim_message(
                session, idempotency_key=key, channel=MessageChannel.EMAIL, endpoint_id="ann"
            )
        await finish_message(session, "k0", MessageStatus.SENT)
    before = (await asyncio.to_thread(api.get, "/metrics")).text
    async with database.session() as session:
        await finish_message(session, "k1", MessageStatus.SENT)
    await database.dispose()
    after = (await asyncio.to_thread(api.get, "/metrics")).text

    counted, now = _series(before, "herald_messages_total"), _series(after, "herald_messages_total")
    assert counted, "no herald_messages_total series scraped"
    went_down = {s: (v, now.get(s, 0.0)) for s, v in counted.items() if now.get(s, 0.0) < v}
    assert went_down == {}
    assert now == {'herald_messages_total{channel="EMAIL",outcome="SENT"}': 2.0}
    pending = 'herald_messages_pending{channel="EMAIL"}'
    assert _series(before, "herald_messages_pending") == {pending: 1.0}
    assert _series(after, "herald_messages_pending") == {pending: 0.0}
