"""Settings of the HTTP providers: Twilio, Firebase Cloud Messaging, APNs, webhooks."""

from __future__ import annotations

from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

from pydantic import Field, SecretStr, field_validator, model_validator

from herald.channels.config_base import ChannelModel, ProviderSettings

LOOPBACK = frozenset({"localhost", "127.0.0.1", "::1"})


class TwilioSettings(ProviderSettings):
    provider: Literal["twilio"]
    account_sid: str
    auth_token: SecretStr
    api_key_sid: str | None = Field(
        default=None, description="Authenticate as an API key (SK...); auth_token is its secret."
    )
    from_number: str | None = None
    messaging_service_sid: str | None = Field(default=None, description="SMS only: MG...")
    status_callback_url: str | None = Field(
        default=None, description="Twilio posts delivery status here, with ?herald_key=KEY."
    )
    voice: str | None = Field(default=None, description="Voice calls: <Say voice=...>.")
    base_url: str = "https://api.twilio.com"


class FcmSettings(ProviderSettings):
    """A Firebase service account: its JSON file, or the JSON itself (a secret)."""

    service_account_file: Path | None = None
    service_account_json: SecretStr | None = None
    project_id: str | None = Field(default=None, description="Default: the account's project.")
    base_url: str = "https://fcm.googleapis.com"

    @model_validator(mode="after")
    def _one_account(self) -> FcmSettings:
        if (self.service_account_file is None) == (self.service_account_json is None):
            raise ValueError("set exactly one of service_account_file and service_account_json")
        return self


class ApnsSettings(ProviderSettings):
    """Token (ES256) authentication with a .p8 key from the Apple developer account."""

    team_id: str
    key_id: str
    private_key: SecretStr | None = None
    private_key_file: Path | None = None
    bundle_id: str = Field(description="The app's bundle id: the apns-topic.")
    production_url: str = "https://api.push.apple.com"
    sandbox_url: str = "https://api.sandbox.push.apple.com"
    ca_file: Path | None = Field(default=None, description="Extra CA bundle (TLS proxies).")

    @model_validator(mode="after")
    def _one_key(self) -> ApnsSettings:
        if (self.private_key is None) == (self.private_key_file is None):
            raise ValueError("set exactly one of private_key and private_key_file")
        return self


class MobilePushSettings(ChannelModel):
    """Push to devices: GCM endpoints through FCM, APNS endpoints through APNs."""

    provider: Literal["mobile"]
    fcm: FcmSettings | None = None
    apns: ApnsSettings | None = None

    @model_validator(mode="after")
    def _some_service(self) -> MobilePushSettings:
        if self.fcm is None and self.apns is None:
            raise ValueError("configure fcm, apns or both for the mobile push provider")
        return self


class WebhookSettings(ProviderSettings):
    provider: Literal["webhook"]
    url: str = Field(description="HTTPS URL that receives each message as JSON.")
    secret: SecretStr = Field(description="Key of the HMAC-SHA256 signature header.")
    signature_header: str = "X-Herald-Signature"
    ca_file: Path | None = None

    @field_validator("url")
    @classmethod
    def _https(cls, url: str) -> str:
        # Message content and a signature go in the clear over http; only loopback (a local
        # receiver, tests) is allowed without TLS.
        parts = urlsplit(url)
        if parts.scheme == "https" or (parts.scheme == "http" and parts.hostname in LOOPBACK):
            return url
        raise ValueError("the webhook url must be https:// (http:// only on loopback)")
