"""In-app messages: kept per endpoint with priority, expiry and a cap; fetched over HTTP."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx

from herald.api.app import create_app
from herald.channels.config_local import InAppSettings
from herald.channels.inapp import InAppProvider
from herald.client import HeraldClient
from herald.models import DeliveryStatus, MessageChannel, OutgoingMessage
from herald.settings import Settings
from herald.store import Database
from tests.channels.messages import outgoing


def _message(
    header: str, priority: int = 0, expires_at: datetime | None = None, key: str | None = None
) -> OutgoingMessage:
    in_app = {
        "header": header,
        "body": f"{header} body",
        "priority": priority,
        "expires_at": expires_at,
    }
    return outgoing(MessageChannel.IN_APP, "ann", key=key, in_app=in_app)


async def _fetch(database: Database, endpoint_id: str = "ann") -> list[dict[str, object]]:
    app = create_app(Settings(database_url=database.url))
    app.state.herald = herald = HeraldClient(Settings(database_url=database.url), database)
    token = {"X-Herald-Endpoint-Token": await herald.in_app_token(endpoint_id)}
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://herald", headers=token
    ) as client:
        response = await client.get(f"/v1/in-app/{endpoint_id}")
    response.raise_for_status()
    found: list[dict[str, object]] = response.json()
    return found


async def test_messages_are_fetched_highest_priority_first_without_the_expired(
    sqlite_database: Database,
) -> None:
    provider = InAppProvider(sqlite_database, InAppSettings(provider="in_app"))
    past = datetime.now(UTC) - timedelta(minutes=1)
    low, high, gone = await provider.send(
        [_message("low", 1), _message("high", 5), _message("gone", 9, expires_at=past)]
    )

    assert (low.status, high.status) == (DeliveryStatus.ACCEPTED, DeliveryStatus.ACCEPTED)
    assert gone.status is DeliveryStatus.PERMANENT
    fetched = await _fetch(sqlite_database)
    assert [m["content"]["header"] for m in fetched] == ["high", "low"]  # type: ignore[index]
    assert fetched[0]["id"] == int(str(high.provider_message_id).removeprefix("in-app-"))


async def test_the_same_key_is_kept_once(sqlite_database: Database) -> None:
    provider = InAppProvider(sqlite_database, InAppSettings(provider="in_app"))
    first, again = await provider.send([_message("hi", key="k-1"), _message("hi", key="k-1")])

    assert first.provider_message_id == again.provider_message_id
    assert len(await _fetch(sqlite_database)) == 1


async def test_the_cap_keeps_the_most_important(database: Database) -> None:
    provider = InAppProvider(database, InAppSettings(provider="in_app", max_per_endpoint=2))
    await provider.send([_message("a", 1), _message("b", 3), _message("c", 2), _message("d", 0)])

    assert [m["content"]["header"] for m in await _fetch(database)] == ["b", "c"]  # type: ignore[index]


async def test_a_dismissed_message_is_not_fetched_again(sqlite_database: Database) -> None:
    provider = InAppProvider(sqlite_database, InAppSettings(provider="in_app"))
    [result] = await provider.send([_message("hi")])
    message_id = str(result.provider_message_id).removeprefix("in-app-")
    app = create_app(Settings(database_url=sqlite_database.url))
    herald = HeraldClient(Settings(database_url=sqlite_database.url), sqlite_database)
    app.state.herald = herald
    token = {"X-Herald-Endpoint-Token": await herald.in_app_token("ann")}
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://herald", headers=token
    ) as client:
        refused = await client.get("/v1/in-app/ann", headers={"X-Herald-Endpoint-Token": "x"})
        other = await client.get("/v1/in-app/bob")  # ann's token is not bob's
        gone = await client.delete(f"/v1/in-app/ann/{message_id}")
        again = await client.delete(f"/v1/in-app/ann/{message_id}")
        listed = await client.get("/v1/in-app/ann")

    assert (gone.status_code, again.status_code, listed.json()) == (204, 404, [])
    assert (refused.status_code, other.status_code) == (401, 401)
