"""Runtime settings: one model, read from `HERALD_*` environment variables (or `.env`)."""

from __future__ import annotations

from functools import cached_property
from pathlib import Path

from pydantic import Field, SecretStr
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
)

from herald.channels.config import ChannelSettings, ChannelsFileSource
from herald.inbound.settings import TwoWaySettings
from herald.streams.config import StreamSettings


class Settings(BaseSettings):
    """Everything a Herald process needs to find its database, Temporal and its peers."""

    # Nested settings (channels) read HERALD_CHANNELS__EMAIL__HOST-style variables. Inputs are
    # hidden in validation errors: a database URL or a channel secret must not be echoed.
    model_config = SettingsConfigDict(
        env_prefix="HERALD_",
        env_file=".env",
        extra="ignore",
        env_nested_delimiter="__",
        hide_input_in_errors=True,
    )

    home: Path = Field(
        default=Path(".herald"),
        description="Directory for embedded state: SQLite files, the dev server's database, logs.",
    )
    database_url: str | None = Field(
        default=None,
        description="SQLAlchemy URL. sqlite:///path or postgresql://user@host/db. "
        "Default: a SQLite file under HERALD_HOME.",
    )
    temporal_address: str | None = Field(
        default=None,
        description="host:port of the Temporal frontend. Unset under `herald dev`: start the "
        "embedded dev server. Elsewhere unset means localhost:7233.",
    )
    temporal_namespace: str = Field(default="default", description="Temporal namespace.")
    task_queue: str = Field(default="herald", description="Task queue for workflows/activities.")
    api_host: str = Field(default="127.0.0.1", description="Interface the HTTP API binds.")
    api_port: int = Field(default=8000, description="Port of the HTTP API.")
    dev_temporal_port: int = Field(default=7233, description="gRPC port of the embedded server.")
    dev_ui_port: int = Field(default=8233, description="Port of the embedded Temporal UI.")
    temporal_ui_url: str | None = Field(
        default=None,
        description="Address of the Temporal UI the dashboard links to, e.g. "
        "https://temporal.example.com. Unset: the embedded UI on localhost:HERALD_DEV_UI_PORT.",
    )
    channels_file: Path | None = Field(
        default=None, description="YAML file of channel providers; HERALD_CHANNELS__* wins over it."
    )
    channels: ChannelSettings = Field(
        default_factory=ChannelSettings, description="The provider of each channel."
    )
    otp_secret: SecretStr | None = Field(
        default=None,
        description="Mixed into every one-time password's hash (a pepper), so a copy of the "
        "database alone cannot be searched for codes. Give workers and the API the same one.",
    )
    worker_metrics_address: str | None = Field(
        default=None,
        description="host:port where the worker serves the Temporal SDK's runtime metrics "
        "for Prometheus (task latencies, slots, polls). Unset: not served.",
    )
    streams: StreamSettings = Field(
        default_factory=StreamSettings, description="Event-stream sinks (herald.streams.config)."
    )
    two_way: TwoWaySettings = Field(
        default_factory=TwoWaySettings,
        description="Webhooks, keywords, tracking and their secrets (HERALD_TWO_WAY__...).",
    )

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        # The channels file comes last: the environment overrides it field by field.
        return (
            init_settings,
            env_settings,
            dotenv_settings,
            file_secret_settings,
            ChannelsFileSource(settings_cls),
        )

    @cached_property
    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{self.home / 'herald.db'}"

    @property
    def resolved_temporal_address(self) -> str:
        return self.temporal_address or f"localhost:{self.dev_temporal_port}"

    @property
    def ui_url(self) -> str:
        return (self.temporal_ui_url or f"http://localhost:{self.dev_ui_port}").rstrip("/")
