"""Activities journey steps call besides sending: waits, splits, updates, webhooks."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import httpx
from temporalio import activity
from temporalio.exceptions import ApplicationError

from herald.journeys import attributes, conditions, waits, webhook
from herald.journeys.errors import ParticipantGone, PermanentStepError, RetryableStepError
from herald.journeys.participants import Participant, load_participant
from herald.models.journey_ops import (
    EvaluateRequest,
    EvaluateResult,
    PlanWaitRequest,
    PlanWaitResult,
    UpdateRequest,
    UpdateResult,
    WebhookRequest,
    WebhookResult,
)
from herald.models.journey_progress import PARTICIPANT_GONE
from herald.models.journey_run import (
    EVALUATE_ACTIVITY,
    PLAN_WAIT_ACTIVITY,
    UPDATE_ACTIVITY,
    WEBHOOK_ACTIVITY,
)
from herald.models.journey_settings import ParticipantKind
from herald.store import Database


class JourneyActivities:
    def __init__(self, database: Database, http: httpx.AsyncClient | None = None) -> None:
        self._database = database
        self._http = http or httpx.AsyncClient()

    async def _participant(self, kind: ParticipantKind, participant_id: str) -> Participant:
        async with self._database.session() as session:
            try:
                return await load_participant(session, kind, participant_id)
            except ParticipantGone as exc:
                raise ApplicationError(str(exc), type=PARTICIPANT_GONE, non_retryable=True) from exc

    @activity.defn(name=PLAN_WAIT_ACTIVITY)
    async def plan_wait(self, request: PlanWaitRequest) -> PlanWaitResult:
        participant = await self._participant(request.participant, request.endpoint_id)
        return waits.plan_wait(
            participant.primary, request.step, request.now, request.default_timezone
        )

    @activity.defn(name=EVALUATE_ACTIVITY)
    async def evaluate_conditions(self, request: EvaluateRequest) -> EvaluateResult:
        participant = await self._participant(request.participant, request.endpoint_id)
        async with self._database.session() as session:
            evaluation = conditions.Evaluation(
                session, participant, request.now, request.entered_at, request.message_keys
            )
            try:
                return EvaluateResult(matches=[await evaluation.group(g) for g in request.groups])
            except PermanentStepError as exc:
                raise _permanent(str(exc)) from exc

    @activity.defn(name=UPDATE_ACTIVITY)
    async def update_attributes(self, request: UpdateRequest) -> UpdateResult:
        try:
            async with self._database.session() as session:
                return await attributes.update_attributes(session, request)
        except PermanentStepError as exc:
            raise _permanent(str(exc)) from exc

    @activity.defn(name=WEBHOOK_ACTIVITY)
    async def call_webhook(self, request: WebhookRequest) -> WebhookResult:
        participant = await self._participant(request.participant, request.endpoint_id)
        try:
            result = await webhook.call(self._http, request, participant.primary)
        except PermanentStepError as exc:
            raise _permanent(str(exc)) from exc
        except RetryableStepError as exc:
            delay = timedelta(seconds=exc.retry_after) if exc.retry_after else None
            raise ApplicationError(
                str(exc), type="RetryableStepError", next_retry_delay=delay
            ) from exc
        if result.saved:
            # Saved where `update` steps with scope endpoint write: on each of a user's
            # endpoints, so splits read the answer the same way in both kinds of journey.
            update = UpdateRequest(
                endpoint_id=request.endpoint_id,
                participant=request.participant,
                scope="endpoint",
                set=result.saved,
            )
            async with self._database.session() as session:
                await attributes.update_attributes(session, update)
        return result

    def all(self) -> list[Callable[..., Any]]:
        return [self.plan_wait, self.evaluate_conditions, self.update_attributes, self.call_webhook]


def _permanent(message: str) -> ApplicationError:
    return ApplicationError(message, type="PermanentStepError", non_retryable=True)
