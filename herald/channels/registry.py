"""Which provider serves which channel. The embedded default: the outbox for all of them."""

from __future__ import annotations

from collections.abc import Mapping

from herald.channels.base import Provider
from herald.channels.outbox import OutboxProvider
from herald.models import MessageChannel
from herald.store import Database


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
