"""Which provider serves each channel, and its settings: `Settings.channels`.

From the environment, one variable per field with `__` between levels, or from a YAML file
named by HERALD_CHANNELS_FILE (its top level is this model); the environment wins over the
file field by field:

    HERALD_CHANNELS__EMAIL__PROVIDER=smtp
    HERALD_CHANNELS__EMAIL__HOST=smtp.example.com
    HERALD_CHANNELS__EMAIL__PASSWORD=...        # a SecretStr: never printed or logged

Every channel defaults to the local outbox.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated, Any

import yaml
from pydantic import Field
from pydantic.fields import FieldInfo
from pydantic_settings import PydanticBaseSettingsSource

from herald.channels.config_aws import (
    EndUserMessagingSmsSettings,
    EndUserMessagingVoiceSettings,
    SesSettings,
    SnsSettings,
)
from herald.channels.config_base import ChannelModel, OutboxSettings
from herald.channels.config_http import MobilePushSettings, TwilioSettings, WebhookSettings
from herald.channels.config_local import InAppSettings, SmtpSettings
from herald.models import MessageChannel

CHANNELS_FILE_ENV = "HERALD_CHANNELS_FILE"

EmailProvider = Annotated[
    OutboxSettings | SesSettings | SmtpSettings, Field(discriminator="provider")
]
SmsProvider = Annotated[
    OutboxSettings | EndUserMessagingSmsSettings | SnsSettings | TwilioSettings,
    Field(discriminator="provider"),
]
VoiceProvider = Annotated[
    OutboxSettings | EndUserMessagingVoiceSettings | TwilioSettings,
    Field(discriminator="provider"),
]
PushProvider = Annotated[OutboxSettings | MobilePushSettings, Field(discriminator="provider")]
InAppProvider = Annotated[OutboxSettings | InAppSettings, Field(discriminator="provider")]
CustomProvider = Annotated[OutboxSettings | WebhookSettings, Field(discriminator="provider")]


class ChannelSettings(ChannelModel):
    email: EmailProvider = Field(default_factory=OutboxSettings)
    sms: SmsProvider = Field(default_factory=OutboxSettings)
    voice: VoiceProvider = Field(default_factory=OutboxSettings)
    push: PushProvider = Field(default_factory=OutboxSettings)
    in_app: InAppProvider = Field(default_factory=OutboxSettings)
    custom: CustomProvider = Field(default_factory=OutboxSettings)

    def for_channel(self, channel: MessageChannel) -> ChannelModel:
        configured: ChannelModel = getattr(self, channel.value.lower())
        return configured


class ChannelsFileSource(PydanticBaseSettingsSource):
    """The YAML file named by HERALD_CHANNELS_FILE, below the environment in priority."""

    def get_field_value(self, field: FieldInfo, field_name: str) -> tuple[Any, str, bool]:
        return None, field_name, False

    def __call__(self) -> dict[str, Any]:
        named = self.current_state.get("channels_file") or os.environ.get(CHANNELS_FILE_ENV)
        if not named:
            return {}
        return {"channels": load_channels_file(Path(named))}


def load_channels_file(path: Path) -> dict[str, Any]:
    try:
        document = yaml.safe_load(path.read_text())
    except OSError as exc:
        raise ValueError(f"{CHANNELS_FILE_ENV}: cannot read {path}: {exc.strerror}") from None
    except yaml.YAMLError as exc:
        # The parser's message quotes the offending line, which may hold a secret: say
        # only where it is.
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        raise ValueError(f"{CHANNELS_FILE_ENV}: {path} is not valid YAML{where}") from None
    if document is None:
        return {}
    if not isinstance(document, dict):
        raise ValueError(f"{CHANNELS_FILE_ENV}: {path} must hold a mapping of channel: settings")
    return document
