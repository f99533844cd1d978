"""Campaigns: one message (or one per treatment) to a segment, on a schedule."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import Field

from herald.models.base import HeraldModel
from herald.models.channel import MessageChannel
from herald.models.names import ResourceName


class CampaignMessage(HeraldModel):
    channel: MessageChannel
    template: ResourceName
    template_version: int | None = Field(default=None, ge=1)


class CampaignSchedule(HeraldModel):
    start_time: datetime | None = Field(default=None, description="None: immediately.")
    frequency: Literal["ONCE", "HOURLY", "DAILY", "WEEKLY", "MONTHLY", "EVENT"] = "ONCE"
    timezone: str = "UTC"


class Campaign(HeraldModel):
    kind: Literal["Campaign"] = "Campaign"
    name: ResourceName
    description: str = ""
    segment: ResourceName
    message: CampaignMessage
    schedule: CampaignSchedule = Field(default_factory=CampaignSchedule)
