"""Shared model configuration.

Resources that mirror Pinpoint's (endpoints, users, events) accept both Pinpoint's
PascalCase field names and snake_case, so a Pinpoint export loads unchanged while Herald's own
definition files stay idiomatic YAML.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict
from pydantic.alias_generators import to_pascal


class HeraldModel(BaseModel):
    """Base for Herald's own definitions: snake_case, unknown fields rejected."""

    model_config = ConfigDict(extra="forbid", frozen=False)


class PinpointModel(BaseModel):
    """Base for resources shaped on Pinpoint: PascalCase aliases, snake_case accepted too."""

    model_config = ConfigDict(
        extra="forbid", alias_generator=to_pascal, populate_by_name=True, serialize_by_alias=False
    )
