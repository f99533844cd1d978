"""Settings of the providers Herald runs itself or talks to directly: SMTP and in-app."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr

from herald.channels.config_base import ProviderSettings


class SmtpSettings(ProviderSettings):
    provider: Literal["smtp"]
    host: str
    port: int = 587
    security: Literal["starttls", "tls", "none"] = Field(
        default="starttls", description="starttls (587), tls (implicit, 465), none (relay)."
    )
    username: str | None = None
    password: SecretStr | None = None
    from_address: str | None = Field(default=None, description="Default From; a template's wins.")
    ca_file: Path | None = Field(default=None, description="Extra CA bundle for the server.")


class InAppSettings(ProviderSettings):
    provider: Literal["in_app"]
    max_per_endpoint: int = Field(
        default=20, ge=1, description="Messages kept per endpoint; lowest priority go first."
    )
    default_ttl: timedelta | None = Field(
        default=timedelta(days=30), description="Expiry of a message that sets none."
    )
