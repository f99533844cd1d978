"""The email provider with tracking: links rewritten, the open pixel added, and the
List-Unsubscribe headers set, before the real provider sends. On when
HERALD_TWO_WAY__PUBLIC_URL says where recipients reach Herald."""

from __future__ import annotations

from collections.abc import Sequence

from herald.channels import ChannelRegistry
from herald.channels.base import Provider
from herald.inbound.settings import TwoWaySettings
from herald.models import DeliveryResult, MessageChannel, OutgoingMessage
from herald.store import Database
from herald.store.signing import signing_secret
from herald.tracking.links import Links


class TrackingProvider:
    def __init__(self, inner: Provider, settings: TwoWaySettings, database: Database) -> None:
        self.name = inner.name
        self._inner = inner
        self._settings = settings
        self._database = database
        self._links: Links | None = None

    async def send(self, messages: Sequence[OutgoingMessage]) -> list[DeliveryResult]:
        links = await self._ready()
        return await self._inner.send([_tracked(m, links) for m in messages])

    async def _ready(self) -> Links:
        if self._links is None:
            configured = self._settings.signing_secret
            if configured is not None:
                secret = configured.get_secret_value().encode()
            else:
                async with self._database.session() as session:
                    secret = (await signing_secret(session, "default")).encode()
            assert self._settings.public_url is not None
            self._links = Links(self._settings.public_url, secret)
        return self._links

    async def aclose(self) -> None:
        closer = getattr(self._inner, "aclose", None)
        if closer is not None:
            await closer()


def _tracked(message: OutgoingMessage, links: Links) -> OutgoingMessage:
    content = message.content
    key = message.idempotency_key
    changes = {"headers": {**content.headers, **links.headers(key)}}
    if content.html:
        changes["html"] = links.rewrite(content.html, key)  # type: ignore[assignment]
    return message.model_copy(update={"content": content.model_copy(update=changes)})


def with_tracking(
    registry: ChannelRegistry, settings: TwoWaySettings, database: Database
) -> ChannelRegistry:
    """`registry` with its email provider tracked, if a public URL is set."""
    if not settings.public_url:
        return registry
    providers = {channel: registry.for_channel(channel) for channel in MessageChannel}
    providers[MessageChannel.EMAIL] = TrackingProvider(
        providers[MessageChannel.EMAIL], settings, database
    )
    return ChannelRegistry(providers)
