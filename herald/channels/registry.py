"""Which provider serves which channel. The embedded default: the outbox for all of them."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from herald.channels.base import Provider
from herald.channels.outbox import OutboxProvider
from herald.models import MessageChannel
from herald.store import Database

if TYPE_CHECKING:
    from herald.channels.config import ChannelSettings


class ChannelRegistry:
    def __init__(self, providers: Mapping[MessageChannel, Provider]) -> None:
        self._providers = dict(providers)

    def for_channel(self, channel: MessageChannel) -> Provider:
        try:
            return self._providers[channel]
        except KeyError:
            configured = ", ".join(sorted(c.value for c in self._providers)) or "none"
            raise LookupError(
                f"no provider is configured for channel {channel.value}; configured: {configured}"
            ) from None

    @classmethod
    def outbox_for_all(cls, database: Database) -> ChannelRegistry:
        outbox = OutboxProvider(database)
        return cls(dict.fromkeys(MessageChannel, outbox))

    @classmethod
    def from_settings(cls, settings: ChannelSettings, database: Database) -> ChannelRegistry:
        """The providers `settings` name (the outbox where they name none)."""
        # Imported here: provider SDKs load only in the processes that send.
        from herald.channels.factory import build_providers

        return cls(build_providers(settings, database))

    def describe(self) -> dict[str, str]:
        """Channel -> provider name, for a start-up log line (never settings or secrets)."""
        return {channel.value: p.name for channel, p in self._providers.items()}

    async def aclose(self) -> None:
        """Close the providers' connections (HTTP clients) once, when the worker stops."""
        seen: set[int] = set()
        for provider in self._providers.values():
            closer = getattr(provider, "aclose", None)
            if closer is not None and id(provider) not in seen:
                seen.add(id(provider))
                await closer()
