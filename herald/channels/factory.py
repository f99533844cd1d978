"""Providers from `ChannelSettings`: each configured service built once, throttled if asked.

Separate from `registry` so that importing `herald.channels` (and the settings) does not load
boto3, httpx clients or JWT signing in processes that never send.
"""

from __future__ import annotations

from herald.channels.apns import ApnsProvider
from herald.channels.base import Provider
from herald.channels.config import ChannelSettings
from herald.channels.config_aws import (
    EndUserMessagingSmsSettings,
    EndUserMessagingVoiceSettings,
    SesSettings,
    SnsSettings,
)
from herald.channels.config_base import ChannelModel, OutboxSettings, ProviderSettings
from herald.channels.config_http import MobilePushSettings, TwilioSettings, WebhookSettings
from herald.channels.config_local import InAppSettings, SmtpSettings
from herald.channels.eum_sms import EndUserMessagingSmsProvider
from herald.channels.eum_voice import EndUserMessagingVoiceProvider
from herald.channels.fcm import FcmProvider
from herald.channels.inapp import InAppProvider
from herald.channels.outbox import OutboxProvider
from herald.channels.push_router import PushRouter
from herald.channels.ses import SesProvider
from herald.channels.smtp import SmtpProvider
from herald.channels.sns import SnsProvider
from herald.channels.throttle import Throttle, ThrottledProvider
from herald.channels.twilio_sms import TwilioSmsProvider
from herald.channels.twilio_voice import TwilioVoiceProvider
from herald.channels.webhook import WebhookProvider
from herald.models import MessageChannel
from herald.store import Database


def build_providers(
    settings: ChannelSettings, database: Database
) -> dict[MessageChannel, Provider]:
    outbox = OutboxProvider(database)
    providers: dict[MessageChannel, Provider] = {}
    for channel in MessageChannel:
        configured = settings.for_channel(channel)
        if isinstance(configured, OutboxSettings):
            providers[channel] = outbox
        else:
            providers[channel] = _build(channel, configured, database)
    return providers


def _build(channel: MessageChannel, configured: ChannelModel, database: Database) -> Provider:
    provider: Provider
    match configured:
        case SesSettings():
            provider = SesProvider(configured)
        case SmtpSettings():
            provider = SmtpProvider(configured)
        case SnsSettings():
            provider = SnsProvider(configured)
        case EndUserMessagingSmsSettings():
            provider = EndUserMessagingSmsProvider(configured)
        case EndUserMessagingVoiceSettings():
            provider = EndUserMessagingVoiceProvider(configured)
        case TwilioSettings() if channel is MessageChannel.VOICE:
            provider = TwilioVoiceProvider(configured)
        case TwilioSettings():
            provider = TwilioSmsProvider(configured)
        case MobilePushSettings():
            return _push(configured, database)
        case InAppSettings():
            provider = InAppProvider(database, configured)
        case WebhookSettings():
            provider = WebhookProvider(configured)
        case _:
            raise TypeError(f"no provider is built from {type(configured).__name__}")
    assert isinstance(configured, ProviderSettings)
    return throttled(provider, configured, database)


def _push(configured: MobilePushSettings, database: Database) -> Provider:
    fcm = apns = None
    if configured.fcm is not None:
        fcm = throttled(FcmProvider(configured.fcm), configured.fcm, database)
    if configured.apns is not None:
        apns = throttled(ApnsProvider(configured.apns), configured.apns, database)
    return PushRouter(fcm, apns)


def throttled(provider: Provider, settings: ProviderSettings, database: Database) -> Provider:
    if settings.rate_per_second is None:
        return provider
    throttle = Throttle(
        database,
        provider.name,
        rate_per_second=settings.rate_per_second,
        burst=settings.burst,
        max_wait=settings.max_throttle_wait,
    )
    return ThrottledProvider(provider, throttle)
