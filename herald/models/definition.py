"""What a definition file may hold: documents discriminated by `kind`."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, TypeAdapter

from herald.models.campaign import Campaign
from herald.models.endpoint import Endpoint
from herald.models.journey import Journey
from herald.models.segment import Segment
from herald.models.template import Template


class EndpointDefinition(Endpoint):
    """An endpoint in a definition file: `kind: Endpoint` plus Pinpoint's fields."""

    kind: Literal["Endpoint"] = Field(default="Endpoint", alias="kind")

    def to_endpoint(self) -> Endpoint:
        return Endpoint.model_validate(self.model_dump(exclude={"kind"}))


Definition = Annotated[
    Template | Journey | Segment | EndpointDefinition | Campaign, Field(discriminator="kind")
]
DEFINITION_ADAPTER: TypeAdapter[Definition] = TypeAdapter(Definition)
KINDS = ("Campaign", "Endpoint", "Journey", "Segment", "Template")
