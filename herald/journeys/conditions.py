"""Evaluating split conditions for one participant against the store."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from herald.analytics.event_names import ENGAGEMENT_EVENTS
from herald.journeys.errors import PermanentStepError
from herald.journeys.participants import Participant
from herald.models import Endpoint, MessageRecord, MessageStatus
from herald.models.conditions import (
    AttributeCondition,
    Condition,
    ConditionGroup,
    EngagementCondition,
    EventCondition,
    MetricCondition,
    SegmentCondition,
)
from herald.models.send import user_endpoint_key
from herald.segments import is_member, is_user_member
from herald.store.messages import get_message
from herald.store.segments import get_segment
from herald.store.tables import EventRow


class Evaluation:
    """The facts one evaluation may look at: the participant, the time, the journey's sends.

    For a user, a condition on endpoints holds when it holds for any of their endpoints, and
    events and engagement count across all of them.
    """

    def __init__(
        self,
        session: AsyncSession,
        participant: Participant,
        now: datetime,
        entered_at: datetime,
        message_keys: dict[str, str],
    ) -> None:
        self.session, self.participant, self.now = session, participant, now
        self.entered_at, self.message_keys = entered_at, message_keys

    async def group(self, group: ConditionGroup) -> bool:
        answers = [await self.condition(c) for c in group.conditions]
        return all(answers) if group.match == "ALL" else any(answers)

    async def condition(self, condition: Condition) -> bool:
        endpoints = self.participant.endpoints
        if isinstance(condition, AttributeCondition):
            return any(attribute_matches(e, condition) for e in endpoints)
        if isinstance(condition, MetricCondition):
            return any(metric_matches(e, condition) for e in endpoints)
        if isinstance(condition, SegmentCondition):
            return await self._segment(condition)
        if isinstance(condition, EventCondition):
            return await self._event(condition)
        return await self._engagement(condition)

    async def _segment(self, condition: SegmentCondition) -> bool:
        segment = await get_segment(self.session, condition.segment)
        if segment is None:
            raise PermanentStepError(f"segment {condition.segment!r} does not exist")
        if self.participant.kind == "user":
            inside = await is_user_member(self.session, segment, self.participant.id, now=self.now)
        else:
            inside = await is_member(self.session, segment, self.participant.id, now=self.now)
        return inside == condition.member

    def _performer(self) -> ColumnElement[bool]:
        by_endpoint = EventRow.endpoint_id.in_(self.participant.endpoint_ids)
        if self.participant.kind == "user":
            return or_(by_endpoint, EventRow.user_id == self.participant.id)
        return by_endpoint

    async def _event(self, condition: EventCondition) -> bool:
        since = self.now - condition.within if condition.within else self.entered_at
        rows = await self.session.execute(
            select(EventRow.attributes).where(
                self._performer(),
                EventRow.event_type == condition.event_type,
                EventRow.timestamp >= since,
                EventRow.timestamp <= self.now,
            )
        )
        wanted = condition.attributes.items()
        count = sum(1 for (attrs,) in rows if all(attrs.get(k) == v for k, v in wanted))
        happened = count >= max(condition.min_count, 1)
        return happened == condition.performed

    async def _sent_messages(self, step: str) -> list[MessageRecord]:
        key = self.message_keys.get(step)
        if key is None:
            return []  # the participant took a path that skipped that send
        # A user's send is one message per endpoint, keyed by the step's key and the endpoint.
        keys = [key]
        if self.participant.kind == "user":
            keys = [user_endpoint_key(key, e) for e in self.participant.endpoint_ids]
        found = [await get_message(self.session, k) for k in keys]
        return [m for m in found if m is not None and m.status is MessageStatus.SENT]

    async def _engagement(self, condition: EngagementCondition) -> bool:
        messages = await self._sent_messages(condition.step)
        if not messages:
            return False
        if condition.engagement == "sent":
            return True
        names = ENGAGEMENT_EVENTS[condition.engagement]
        ids = [i for m in messages for i in (m.idempotency_key, m.provider_message_id) if i]
        # Replies name the message they answer as well (herald.inbound.replies).
        refers = _message_ref(ids)
        found = await self.session.execute(
            select(func.count())
            .select_from(EventRow)
            .where(self._performer(), EventRow.event_type.in_(names))
            .where(EventRow.timestamp <= self.now)
            .where(refers)
        )
        return int(found.scalar_one()) > 0


def _message_ref(ids: list[str]) -> ColumnElement[bool]:
    """Engagement events name their message in attributes.message_id (or message_key)."""
    message_id = EventRow.attributes["message_id"].as_string()
    message_key = EventRow.attributes["message_key"].as_string()
    return or_(message_id.in_(ids), message_key.in_(ids))


def _values(endpoint: Endpoint, condition: AttributeCondition) -> list[str]:
    if condition.scope == "user":
        return endpoint.user.user_attributes.get(condition.name, []) if endpoint.user else []
    return endpoint.attributes.get(condition.name, [])


def attribute_matches(endpoint: Endpoint, condition: AttributeCondition) -> bool:
    values = _values(endpoint, condition)
    wanted = set(condition.values)
    if condition.op == "include":
        return bool(wanted & set(values))
    if condition.op == "exclude":
        return not wanted & set(values)
    if condition.op == "contains":
        return any(w in v for v in values for w in condition.values)
    if condition.op == "exists":
        return bool(values)
    return not values


def metric_matches(endpoint: Endpoint, condition: MetricCondition) -> bool:
    value = endpoint.metrics.get(condition.name)
    if value is None:
        return False
    return {
        "eq": value == condition.value,
        "lt": value < condition.value,
        "le": value <= condition.value,
        "gt": value > condition.value,
        "ge": value >= condition.value,
    }[condition.op]
