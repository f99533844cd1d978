"""Channel settings from the environment and a YAML file; secrets never shown; the registry
the worker builds from them."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from herald.channels import ChannelRegistry
from herald.channels.config_aws import SesSettings
from herald.channels.config_local import SmtpSettings
from herald.channels.push_router import PushRouter
from herald.channels.throttle import ThrottledProvider
from herald.models import MessageChannel
from herald.settings import Settings
from herald.store import Database

SECRET = "env-smtp-password-never-shown"


def test_env_variables_choose_and_configure_a_provider(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HERALD_CHANNELS__EMAIL__PROVIDER", "smtp")
    monkeypatch.setenv("HERALD_CHANNELS__EMAIL__HOST", "smtp.example.com")
    monkeypatch.setenv("HERALD_CHANNELS__EMAIL__PASSWORD", SECRET)
    monkeypatch.setenv("HERALD_CHANNELS__EMAIL__RATE_PER_SECOND", "14")
    settings = Settings(_env_file=None)

    email = settings.channels.email
    assert isinstance(email, SmtpSettings)
    assert (email.host, email.port, email.rate_per_second) == ("smtp.example.com", 587, 14.0)
    assert email.password is not None and email.password.get_secret_value() == SECRET
    assert SECRET not in repr(settings) and SECRET not in str(settings.model_dump())


def test_the_file_is_overridden_by_the_environment_field_by_field(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "channels.yaml"
    path.write_text(
        "email: {provider: ses, from_address: news@example.com, aws: {region: eu-west-1}}\n"
        "sms: {provider: twilio, account_sid: AC1, auth_token: file-token}\n"
    )
    monkeypatch.setenv("HERALD_CHANNELS_FILE", str(path))
    monkeypatch.setenv("HERALD_CHANNELS__EMAIL__AWS__REGION", "us-east-2")
    settings = Settings(_env_file=None)

    email = settings.channels.email
    assert isinstance(email, SesSettings)
    assert (email.from_address, email.aws.region) == ("news@example.com", "us-east-2")
    assert settings.channels.sms.provider == "twilio"
    assert settings.channels.push.provider == "outbox"
    assert "file-token" not in repr(settings)


def test_a_mistake_names_the_field_without_echoing_the_secret(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("HERALD_CHANNELS__EMAIL__PROVIDER", "smtp")
    monkeypatch.setenv("HERALD_CHANNELS__EMAIL__PASSWORD", SECRET)
    monkeypatch.setenv("HERALD_CHANNELS__EMAIL__PORT", "not-a-port")
    with pytest.raises(ValidationError) as raised:
        Settings(_env_file=None)
    message = str(raised.value)
    assert "channels.email.smtp.host" in message and "channels.email.smtp.port" in message
    assert SECRET not in message


def test_an_unknown_provider_lists_the_allowed_ones(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HERALD_CHANNELS__SMS__PROVIDER", "carrier-pigeon")
    with pytest.raises(ValidationError, match="'outbox', 'end_user_messaging', 'sns', 'twilio'"):
        Settings(_env_file=None)


async def test_the_registry_builds_each_configured_provider(
    sqlite_database: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HERALD_CHANNELS__EMAIL__PROVIDER", "smtp")
    monkeypatch.setenv("HERALD_CHANNELS__EMAIL__HOST", "127.0.0.1")
    monkeypatch.setenv("HERALD_CHANNELS__EMAIL__RATE_PER_SECOND", "5")
    monkeypatch.setenv("HERALD_CHANNELS__VOICE__PROVIDER", "twilio")
    monkeypatch.setenv("HERALD_CHANNELS__VOICE__ACCOUNT_SID", "AC1")
    monkeypatch.setenv("HERALD_CHANNELS__VOICE__AUTH_TOKEN", "t")
    monkeypatch.setenv("HERALD_CHANNELS__VOICE__FROM_NUMBER", "+15550001111")
    monkeypatch.setenv("HERALD_CHANNELS__PUSH__PROVIDER", "mobile")
    monkeypatch.setenv("HERALD_CHANNELS__PUSH__APNS__TEAM_ID", "T")
    monkeypatch.setenv("HERALD_CHANNELS__PUSH__APNS__KEY_ID", "K")
    monkeypatch.setenv("HERALD_CHANNELS__PUSH__APNS__PRIVATE_KEY", "unused-here")
    monkeypatch.setenv("HERALD_CHANNELS__PUSH__APNS__BUNDLE_ID", "com.example.app")
    monkeypatch.setenv("HERALD_CHANNELS__IN_APP__PROVIDER", "in_app")
    registry = ChannelRegistry.from_settings(Settings(_env_file=None).channels, sqlite_database)

    assert registry.describe() == {
        "EMAIL": "smtp",
        "SMS": "outbox",
        "VOICE": "twilio-voice",
        "PUSH": "mobile",
        "IN_APP": "in-app",
        "CUSTOM": "outbox",
    }
    assert isinstance(registry.for_channel(MessageChannel.EMAIL), ThrottledProvider)
    push = registry.for_channel(MessageChannel.PUSH)
    assert isinstance(push, PushRouter) and push.fcm is None and push.apns is not None
    await registry.aclose()
