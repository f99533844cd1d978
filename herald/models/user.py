"""User: the person behind one or more endpoints."""

from __future__ import annotations

from pydantic import Field

from herald.models.attribute_values import AttributeMap
from herald.models.base import PinpointModel


class EndpointUser(PinpointModel):
    """Pinpoint's EndpointUser: the user an endpoint belongs to, with the user's attributes."""

    user_id: str | None = Field(default=None, min_length=1, max_length=200)
    user_attributes: AttributeMap = Field(default_factory=dict)


class User(PinpointModel):
    """A user as stored: its id and attributes shared by all its endpoints."""

    user_id: str = Field(min_length=1, max_length=200)
    user_attributes: AttributeMap = Field(default_factory=dict)
