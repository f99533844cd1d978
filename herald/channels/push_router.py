"""The push channel: GCM endpoints go to FCM, APNS endpoints to APNs, each throttled alone."""

from __future__ import annotations

from collections.abc import Sequence

from herald.channels.base import Provider
from herald.channels.results import permanent
from herald.models import ChannelType, DeliveryResult, OutgoingMessage

APNS_TYPES = frozenset(
    {
        ChannelType.APNS,
        ChannelType.APNS_SANDBOX,
        ChannelType.APNS_VOIP,
        ChannelType.APNS_VOIP_SANDBOX,
    }
)


class PushRouter:
    name = "mobile"

    def __init__(self, fcm: Provider | None, apns: Provider | None) -> None:
        self.fcm = fcm
        self.apns = apns

    async def send(self, messages: Sequence[OutgoingMessage]) -> list[DeliveryResult]:
        results: list[DeliveryResult] = []
        for message in messages:
            provider, service = self._route(message)
            kind = (message.channel_type or ChannelType.PUSH).value
            if provider is not None:
                results.extend(await provider.send([message]))
            elif service:
                reason = (
                    f"{kind} endpoints go through {service}, which is not configured: set "
                    f"HERALD_CHANNELS__PUSH__{service.upper()}__..."
                )
                results.append(permanent(message, self.name, reason))
            else:
                reason = f"Herald has no push provider for {kind} endpoints (FCM and APNs only)"
                results.append(permanent(message, self.name, reason))
        return results

    def _route(self, message: OutgoingMessage) -> tuple[Provider | None, str]:
        if message.channel_type in APNS_TYPES:
            return self.apns, "apns"
        if message.channel_type in (ChannelType.GCM, None, ChannelType.PUSH):
            # A generic PUSH endpoint goes to FCM when it is there (FCM reaches iOS too).
            if self.fcm is None and message.channel_type is not ChannelType.GCM:
                return self.apns, "apns"
            return self.fcm, "fcm"
        return None, ""

    async def aclose(self) -> None:
        for provider in (self.fcm, self.apns):
            closer = getattr(provider, "aclose", None)
            if closer is not None:
                await closer()
