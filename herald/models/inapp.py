"""In-app messages as an app fetches them: kept per endpoint, highest priority first."""

from __future__ import annotations

from datetime import datetime

from herald.models.base import HeraldModel
from herald.models.content import InAppContent


class InAppMessage(HeraldModel):
    id: int
    endpoint_id: str
    content: InAppContent
    priority: int
    expires_at: datetime | None = None
    created_at: datetime
    journey: str | None = None
    step_id: str | None = None
