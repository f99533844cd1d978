"""Segments: who a journey or campaign reaches.

This first shape is the static segment (Pinpoint's imported segment): a fixed list of
endpoint ids. Dimensional segments compile to SQL in `herald.segments`.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from herald.models.base import HeraldModel
from herald.models.names import ResourceName


class Segment(HeraldModel):
    kind: Literal["Segment"] = "Segment"
    name: ResourceName
    description: str = ""
    endpoint_ids: list[str] = Field(default_factory=list)
