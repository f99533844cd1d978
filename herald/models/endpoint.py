"""Endpoint: one address a message can reach (an email address, a phone, a device token)."""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar, Literal

from pydantic import Field, ValidationInfo, field_validator, model_validator

from herald.models.addresses import normalise_address
from herald.models.attribute_values import AttributeMap, MetricMap
from herald.models.base import PinpointModel
from herald.models.channel import ChannelType
from herald.models.user import EndpointUser

Attributes = AttributeMap

# Validation context that marks data read back from the store: it was normalised when it was
# accepted, and rules that tighten later must not make stored endpoints unreadable.
STORED = {"stored": True}


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
    country: str | None = Field(default=None, description="ISO 3166-1 alpha-2, e.g. FR.")
    region: str | None = None
    city: str | None = None
    postal_code: str | None = None
    latitude: float | None = Field(default=None, ge=-90, le=90)
    longitude: float | None = Field(default=None, ge=-180, le=180)

    @field_validator("country")
    @classmethod
    def _upper(cls, value: str | None) -> str | None:
        return value.strip().upper() if value else value

    @model_validator(mode="after")
    def _both_coordinates(self) -> Location:
        if (self.latitude is None) != (self.longitude is None):
            raise ValueError("give both Latitude and Longitude, or neither")
        return self


class Endpoint(PinpointModel):
    """Pinpoint's EndpointRequest plus its id. `opt_out` is ALL (nothing is sent) or NONE.

    The address is normalised for its channel (E.164 phones, normalised email) on validation.
    """

    id: str = Field(min_length=1, max_length=200)
    channel_type: ChannelType
    user: EndpointUser | None = None
    attributes: Attributes = Field(default_factory=dict)
    demographic: Demographic = Field(default_factory=Demographic)
    location: Location = Field(default_factory=Location)
    # After `location`: reading a local phone number needs the endpoint's country.
    address: str = Field(min_length=1, max_length=320)
    metrics: MetricMap = Field(default_factory=dict)
    opt_out: Literal["ALL", "NONE"] = "NONE"
    endpoint_status: Literal["ACTIVE", "INACTIVE"] = "ACTIVE"
    effective_date: datetime | None = None

    # Whether `User.UserAttributes` needs a `User.UserId` here: a partial update's user may
    # leave it out, and the document merged with the stored endpoint is checked again.
    user_id_with_attributes: ClassVar[bool] = True

    @field_validator("user")
    @classmethod
    def _user_id_with_attributes(
        cls, user: EndpointUser | None, info: ValidationInfo
    ) -> EndpointUser | None:
        """Herald keeps user attributes per user: without a user id they would have nowhere
        to go, and were thrown away."""
        stored = isinstance(info.context, dict) and info.context.get("stored")
        if (
            user is not None
            and user.user_attributes
            and user.user_id is None
            and cls.user_id_with_attributes
            and not stored
        ):
            raise ValueError(
                "User.UserId is required with User.UserAttributes: Herald keeps user "
                "attributes per user id (put them in Attributes to keep them on the endpoint)"
            )
        return user

    @field_validator("address")
    @classmethod
    def _normalise_address(cls, address: str, info: ValidationInfo) -> str:
        channel = info.data.get("channel_type")
        stored = isinstance(info.context, dict) and info.context.get("stored")
        if channel is None or stored:
            return address  # a bad channel type is reported on its own field
        location = info.data.get("location")
        return normalise_address(channel, address, location.country if location else None)

    @property
    def user_id(self) -> str | None:
        return self.user.user_id if self.user else None

    @property
    def reachable(self) -> bool:
        return self.opt_out == "NONE" and self.endpoint_status == "ACTIVE"
