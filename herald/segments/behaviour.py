"""Behaviour and engagement dimensions as SQL: activity, events performed, messages engaged.

Windows end at the evaluation's `now` (events stamped later are not counted yet). Like the
endpoint dimensions, every condition is TRUE or FALSE, never NULL.

`top` says the condition is ANDed into the whole query (not under OR or NOT). There the
events are found once, `id IN (SELECT ... GROUP BY ...)`, which both databases run as one
scan of the window and a semi-join. Anywhere else each endpoint asks about its own events
(correlated EXISTS or count, one index probe each), because PostgreSQL re-runs an IN
subquery under OR / NOT for every row once its result outgrows work_mem.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import (
    ColumnElement,
    SQLColumnExpression,
    and_,
    func,
    not_,
    or_,
    select,
    true,
)
from sqlalchemy.orm import aliased

from herald.analytics.event_names import ENGAGEMENT_EVENTS
from herald.models.event import ACTIVITY_PREFIXES
from herald.models.segment_rules import (
    ActiveRule,
    EngagementRule,
    NotPerformedRule,
    PerformedRule,
)
from herald.segments.sql import probe, starts_with
from herald.store.tables import EndpointRow, EventRow, MessageRow

E = EndpointRow
V = EventRow
M = MessageRow
Key = SQLColumnExpression[Any]
# test(endpoint key, event key, top): the endpoint's key is among the events' keys that count.
KeyTest = Callable[[Key, Key, bool], ColumnElement[bool]]


def by_person(scope: str, test: KeyTest, top: bool) -> ColumnElement[bool]:
    """scope endpoint: the endpoint's own events. scope user: its user's events (from any of
    their endpoints, or recorded for the user), or its own when it has no user."""
    if scope == "endpoint":
        return test(E.id, V.endpoint_id, top)
    return or_(
        and_(E.user_id.is_not(None), test(E.user_id, V.user_id, False)),
        and_(E.user_id.is_(None), test(E.id, V.endpoint_id, False)),
    )


def having(
    key: Key, event_key: Key, matching: list[ColumnElement[bool]], top: bool
) -> ColumnElement[bool]:
    """The endpoint's key has at least one matching event."""
    if top:
        return key.in_(select(event_key).where(event_key.is_not(None), *matching))
    return probe(event_key == key, *matching)


def _window(now: datetime, within: timedelta | None) -> ColumnElement[bool]:
    if within is None:
        return V.timestamp <= now
    return V.timestamp.between(now - within, now)


def active(rule: ActiveRule, now: datetime) -> ColumnElement[bool]:
    """Always per endpoint: the event test sits in an OR with EffectiveDate."""
    since = now - rule.within
    activity = [
        V.timestamp.between(since, now),
        or_(
            not_(starts_with(V.event_type, "_")),
            *(starts_with(V.event_type, prefix) for prefix in ACTIVITY_PREFIXES),
        ),
    ]
    updated = and_(E.effective_date.is_not(None), E.effective_date.between(since, now))
    on_its_own = or_(having(E.id, V.endpoint_id, activity, False), updated)
    if rule.scope == "user":
        peer = aliased(EndpointRow)
        peer_updated = [peer.effective_date.between(since, now)]
        found = or_(
            and_(
                E.user_id.is_not(None),
                or_(
                    having(E.user_id, V.user_id, activity, False),
                    probe(peer.user_id == E.user_id, *peer_updated),
                ),
            ),
            and_(E.user_id.is_(None), on_its_own),
        )
    else:
        found = on_its_own
    return found if rule.type == "active" else not_(found)


def performed(
    rule: PerformedRule | NotPerformedRule, now: datetime, top: bool
) -> ColumnElement[bool]:
    matching = [
        V.event_type == rule.event,
        _window(now, rule.within),
        *(V.attributes[name].as_string().in_(values) for name, values in rule.where.items()),
    ]
    if isinstance(rule, NotPerformedRule):
        return not_(by_person(rule.scope, lambda k, ek, _: having(k, ek, matching, False), False))
    at_least, at_most = rule.at_least, rule.at_most

    def counts(key: Key, event_key: Key, top: bool) -> ColumnElement[bool]:
        conditions = []
        if at_least == 1:
            conditions.append(having(key, event_key, matching, top and at_most is None))
        elif at_least:
            conditions.append(_at_least(key, event_key, matching, at_least, top))
        if at_most is not None:
            conditions.append(_count(key, event_key, matching) <= at_most)
        return and_(*conditions) if conditions else true()

    return by_person(rule.scope, counts, top)


def _at_least(
    key: Key, event_key: Key, matching: list[ColumnElement[bool]], times: int, top: bool
) -> ColumnElement[bool]:
    if top:
        keys = select(event_key).where(event_key.is_not(None), *matching)
        return key.in_(keys.group_by(event_key).having(func.count() >= times))
    at_least: ColumnElement[bool] = _count(key, event_key, matching) >= times
    return at_least


def _count(key: Key, event_key: Key, matching: list[ColumnElement[bool]]) -> Any:
    return select(func.count()).where(event_key == key, *matching).scalar_subquery()


def engagement(rule: EngagementRule, now: datetime, top: bool) -> ColumnElement[bool]:
    """Messages come from the message log; engagement events name their message in
    attributes.message_key (Herald's idempotency key) or attributes.message_id (the
    provider's id), as the channels record them."""
    sent = [M.status == "SENT"]
    if rule.journey is not None:
        sent.append(M.journey == rule.journey)
    if rule.step is not None:
        sent.append(M.step_id == rule.step)
    if rule.campaign is not None:
        sent.append(M.campaign == rule.campaign)
    if rule.action == "sent":
        since = [M.created_at >= now - rule.within] if rule.within else []
        messages = [*sent, M.created_at <= now, *since]
        if top:
            return E.id.in_(select(M.endpoint_id).where(*messages))
        return probe(M.endpoint_id == E.id, *messages)
    keys = select(M.idempotency_key).where(*sent)
    provider_ids = select(M.provider_message_id).where(*sent, M.provider_message_id.is_not(None))
    engaged = [
        V.event_type.in_(sorted(ENGAGEMENT_EVENTS[rule.action])),
        _window(now, rule.within),
        or_(
            V.attributes["message_key"].as_string().in_(keys),
            V.attributes["message_id"].as_string().in_(provider_ids),
        ),
    ]
    return having(E.id, V.endpoint_id, engaged, top)
