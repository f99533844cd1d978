"""Channel providers behind one small interface: send a batch, one result per message."""

from herald.channels.base import Provider
from herald.channels.outbox import OutboxProvider
from herald.channels.registry import ChannelRegistry

__all__ = ["ChannelRegistry", "OutboxProvider", "Provider"]
