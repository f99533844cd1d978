"""Evaluating split conditions for one participant against the store."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from herald.analytics.event_names import ENGAGEMENT_EVENTS
from herald.journeys.errors import PermanentStepError
from herald.models import Endpoint, MessageStatus
from herald.models.conditions import (
    AttributeCondition,
    Condition,
    ConditionGroup,
    EngagementCondition,
    EventCondition,
    MetricCondition,
    SegmentCondition,
)
from herald.segments import is_member
from herald.store.messages import get_message
from herald.store.segments import get_segment
from herald.store.tables import EventRow


class Evaluation:
    """The facts one evaluation may look at: the endpoint, the time, the journey's sends."""

    def __init__(
        self,
        session: AsyncSession,
        endpoint: Endpoint,
        now: datetime,
        entered_at: datetime,
        message_keys: dict[str, str],
    ) -> None:
        self.session, self.endpoint, self.now = session, endpoint, now
        self.entered_at, self.message_keys = entered_at, message_keys

    async def group(self, group: ConditionGroup) -> bool:
        answers = [await self.condition(c) for c in group.conditions]
        return all(answers) if group.match == "ALL" else any(answers)

    async def condition(self, condition: Condition) -> bool:
        if isinstance(condition, AttributeCondition):
            return attribute_matches(self.endpoint, condition)
        if isinstance(condition, MetricCondition):
            return metric_matches(self.endpoint, condition)
        if isinstance(condition, SegmentCondition):
            return await self._segment(condition)
        if isinstance(condition, EventCondition):
            return await self._event(condition)
        return await self._engagement(condition)

    async def _segment(self, condition: SegmentCondition) -> bool:
        segment = await get_segment(self.session, condition.segment)
        if segment is None:
            raise PermanentStepError(f"segment {condition.segment!r} does not exist")
        inside = await is_member(self.session, segment, self.endpoint.id, now=self.now)
        return inside == condition.member

    async def _event(self, condition: EventCondition) -> bool:
        since = self.now - condition.within if condition.within else self.entered_at
        rows = await self.session.execute(
            select(EventRow.attributes).where(
                EventRow.endpoint_id == self.endpoint.id,
                EventRow.event_type == condition.event_type,
                EventRow.timestamp >= since,
                EventRow.timestamp <= self.now,
            )
        )
        wanted = condition.attributes.items()
        count = sum(1 for (attrs,) in rows if all(attrs.get(k) == v for k, v in wanted))
        happened = count >= max(condition.min_count, 1)
        return happened == condition.performed

    async def _engagement(self, condition: EngagementCondition) -> bool:
        key = self.message_keys.get(condition.step)
        if key is None:
            return False  # the participant took a path that skipped that send
        message = await get_message(self.session, key)
        if message is None or message.status is not MessageStatus.SENT:
            return False
        if condition.engagement == "sent":
            return True
        names = ENGAGEMENT_EVENTS[condition.engagement]
        ids = [i for i in (key, message.provider_message_id) if i]
        found = await self.session.execute(
            select(func.count())
            .select_from(EventRow)
            .where(EventRow.endpoint_id == self.endpoint.id, EventRow.event_type.in_(names))
            .where(EventRow.timestamp <= self.now)
            .where(_message_ref(ids))
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
