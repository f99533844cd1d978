"""Endpoint: one address a message can reach (an email address, a phone, a device token)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import Field

from herald.models.base import PinpointModel
from herald.models.channel import ChannelType
from herald.models.user import EndpointUser

Attributes = dict[str, list[str]]


class Demographic(PinpointModel):
    timezone: str | None = None
    locale: str | None = None
    platform: str | None = None
    platform_version: str | None = None
    make: str | None = None
    model: str | None = None
    model_version: str | None = None
    app_version: str | None = None


class Location(PinpointModel):
    country: str | None = None
    region: str | None = None
    city: str | None = None
    postal_code: str | None = None
    latitude: float | None = Field(default=None, ge=-90, le=90)
    longitude: float | None = Field(default=None, ge=-180, le=180)


class Endpoint(PinpointModel):
    """Pinpoint's EndpointRequest plus its id. `opt_out` is ALL (nothing is sent) or NONE."""

    id: str = Field(min_length=1, max_length=200)
    channel_type: ChannelType
    address: str = Field(min_length=1)
    user: EndpointUser | None = None
    attributes: Attributes = Field(default_factory=dict)
    demographic: Demographic = Field(default_factory=Demographic)
    location: Location = Field(default_factory=Location)
    metrics: dict[str, float] = Field(default_factory=dict)
    opt_out: Literal["ALL", "NONE"] = "NONE"
    endpoint_status: Literal["ACTIVE", "INACTIVE"] = "ACTIVE"
    effective_date: datetime | None = None

    @property
    def user_id(self) -> str | None:
        return self.user.user_id if self.user else None

    @property
    def reachable(self) -> bool:
        return self.opt_out == "NONE" and self.endpoint_status == "ACTIVE"
