"""Channel types, as Pinpoint names them."""

from __future__ import annotations

from enum import StrEnum


class ChannelType(StrEnum):
    EMAIL = "EMAIL"
    SMS = "SMS"
    VOICE = "VOICE"
    PUSH = "PUSH"
    GCM = "GCM"
    APNS = "APNS"
    APNS_SANDBOX = "APNS_SANDBOX"
    APNS_VOIP = "APNS_VOIP"
    APNS_VOIP_SANDBOX = "APNS_VOIP_SANDBOX"
    ADM = "ADM"
    BAIDU = "BAIDU"
    IN_APP = "IN_APP"
    CUSTOM = "CUSTOM"

    @property
    def family(self) -> MessageChannel:
        """The message channel a template and a provider serve for this endpoint type."""
        if self in _PUSH_TYPES:
            return MessageChannel.PUSH
        return MessageChannel(self.value)


class MessageChannel(StrEnum):
    """What a message is sent as: push variants of endpoints collapse into PUSH."""

    EMAIL = "EMAIL"
    SMS = "SMS"
    VOICE = "VOICE"
    PUSH = "PUSH"
    IN_APP = "IN_APP"
    CUSTOM = "CUSTOM"


_PUSH_TYPES = frozenset(
    {
        ChannelType.PUSH,
        ChannelType.GCM,
        ChannelType.APNS,
        ChannelType.APNS_SANDBOX,
        ChannelType.APNS_VOIP,
        ChannelType.APNS_VOIP_SANDBOX,
        ChannelType.ADM,
        ChannelType.BAIDU,
    }
)
