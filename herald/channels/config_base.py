"""What every provider's settings share: strict fields, hidden inputs, an optional throttle.

Validation errors never echo what was given (`hide_input_in_errors`): a mistyped setting
next to a secret must not print the secret in a traceback or a log.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class ChannelModel(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, hide_input_in_errors=True)


class ProviderSettings(ChannelModel):
    """A provider's throttle: messages per second, shared by every worker of the task queue."""

    rate_per_second: float | None = Field(
        default=None, gt=0, description="Messages per second, across all workers. Unset: no limit."
    )
    burst: int = Field(default=1, ge=1, description="Messages that may go at once after a lull.")
    max_throttle_wait: float = Field(
        default=5.0,
        ge=0,
        description="Seconds a send waits for a slot; beyond it the send is retried later.",
    )
    timeout: float = Field(default=15.0, gt=0, description="Seconds for one provider call.")


class OutboxSettings(ChannelModel):
    """The local default: messages are kept in Herald's database (`herald outbox list`)."""

    provider: Literal["outbox"] = "outbox"
