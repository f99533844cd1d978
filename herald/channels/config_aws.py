"""Settings of the AWS providers: SES v2, SNS, End User Messaging SMS and voice."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, SecretStr

from herald.channels.config_base import ChannelModel, ProviderSettings


class AwsSettings(ChannelModel):
    """Credentials and endpoint. Unset credentials use boto3's chain (AWS_* env, roles)."""

    region: str | None = None
    endpoint_url: str | None = Field(default=None, description="Another endpoint (VPC, tests).")
    access_key_id: str | None = None
    secret_access_key: SecretStr | None = None
    session_token: SecretStr | None = None


class SesSettings(ProviderSettings):
    provider: Literal["ses"]
    from_address: str | None = Field(default=None, description="Default From; a template's wins.")
    configuration_set: str | None = None
    aws: AwsSettings = Field(default_factory=AwsSettings)


class SnsSettings(ProviderSettings):
    provider: Literal["sns"]
    sender_id: str | None = None
    origination_number: str | None = None
    max_price: str | None = Field(default=None, description="AWS.SNS.SMS.MaxPrice, USD.")
    aws: AwsSettings = Field(default_factory=AwsSettings)


class EndUserMessagingSmsSettings(ProviderSettings):
    provider: Literal["end_user_messaging"]
    origination_identity: str | None = Field(
        default=None, description="Phone number, sender id, pool id or their ARN."
    )
    configuration_set: str | None = None
    max_price: str | None = None
    time_to_live: int | None = Field(default=None, ge=5, le=259200, description="Seconds.")
    aws: AwsSettings = Field(default_factory=AwsSettings)


class EndUserMessagingVoiceSettings(ProviderSettings):
    provider: Literal["end_user_messaging"]
    origination_identity: str | None = None
    voice_id: str | None = Field(default=None, description="Default voice, e.g. JOANNA.")
    configuration_set: str | None = None
    max_price_per_minute: str | None = None
    time_to_live: int | None = Field(default=None, ge=5, le=259200, description="Seconds.")
    aws: AwsSettings = Field(default_factory=AwsSettings)
