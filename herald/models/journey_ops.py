"""Inputs and outputs of the activities journey steps call (other than sending)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Literal

from pydantic import Field

from herald.models.base import HeraldModel
from herald.models.conditions import ConditionGroup
from herald.models.journey_settings import ParticipantKind
from herald.models.journey_steps import WaitStep

PARTICIPANT_ID = "The participant: an endpoint id, or a user id when `participant` is user."


class PlanWaitRequest(HeraldModel):
    """Resolve a wait that depends on the participant (local time, attribute date)."""

    endpoint_id: str = Field(description=PARTICIPANT_ID)
    participant: ParticipantKind = "endpoint"
    step: WaitStep
    now: datetime
    default_timezone: str = "UTC"


class PlanWaitResult(HeraldModel):
    until: datetime
    timezone: str
    note: str = ""


class EvaluateRequest(HeraldModel):
    endpoint_id: str = Field(description=PARTICIPANT_ID)
    participant: ParticipantKind = "endpoint"
    journey: str
    groups: list[ConditionGroup]
    entered_at: datetime
    now: datetime
    message_keys: dict[str, str] = Field(
        default_factory=dict, description="Send step id -> idempotency key of its message."
    )


class EvaluateResult(HeraldModel):
    matches: list[bool] = Field(description="One answer per group, in order.")


class UpdateRequest(HeraldModel):
    endpoint_id: str = Field(description=PARTICIPANT_ID)
    participant: ParticipantKind = "endpoint"
    scope: Literal["endpoint", "user"]
    set: dict[str, list[str]] = Field(default_factory=dict)
    remove: list[str] = Field(default_factory=list)


class UpdateResult(HeraldModel):
    changed: bool
    reason: str = ""


class WebhookRequest(HeraldModel):
    idempotency_key: str
    endpoint_id: str = Field(description=PARTICIPANT_ID)
    participant: ParticipantKind = "endpoint"
    journey: str
    step_id: str
    url: str
    method: str
    headers: dict[str, str] = Field(default_factory=dict)
    body: str | None = None
    save: dict[str, str] = Field(default_factory=dict)
    timeout: timedelta
    # Defaults keep requests scheduled by workflows started before these fields existed valid.
    journey_version: int | None = Field(
        default=None, description="The journey version the participant is on."
    )
    event_type: str | None = Field(default=None, description="The event that entered it.")
    event: dict[str, str] | None = Field(
        default=None, description="Attributes of the event that entered the journey."
    )


class WebhookResult(HeraldModel):
    status_code: int
    saved: dict[str, list[str]] = Field(default_factory=dict)
