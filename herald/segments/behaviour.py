"""Behaviour and engagement dimensions as SQL: activity, events performed, messages engaged.

Windows end at the evaluation's `now` (events stamped later are not counted yet). Like the
endpoint dimensions, every condition is TRUE or FALSE, never NULL: subqueries drop NULL keys.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Select,
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
from herald.segments.sql import starts_with
from herald.store.tables import EndpointRow, EventRow, MessageRow

E = EndpointRow
V = EventRow
M = MessageRow
# key_test(endpoint key, event key): the endpoint's key is among the events' keys that count.
KeyTest = Callable[[SQLColumnExpression[Any], SQLColumnExpression[Any]], ColumnElement[bool]]


def by_person(scope: str, test: KeyTest) -> ColumnElement[bool]:
    """scope endpoint: the endpoint's own events. scope user: its user's events (from any of
    their endpoints, or recorded for the user), or its own when it has no user."""
    own = test(E.id, V.endpoint_id)
    if scope == "endpoint":
        return own
    return or_(
        and_(E.user_id.is_not(None), test(E.user_id, V.user_id)),
    )


def _window(now: datetime, within: timedelta | None) -> ColumnElement[bool]:
    if within is None:
        return V.timestamp <= now
    return V.timestamp.between(now - within, now)


def active(rule: ActiveRule, now: datetime) -> ColumnElement[bool]:
    since = now - rule.within
    activity = or_(
        not_(starts_with(V.event_type, "_")),
        *(starts_with(V.event_type, prefix) for prefix in ACTIVITY_PREFIXES),
    )

    def did_something(
        key: SQLColumnExpression[Any], event_key: SQLColumnExpression[Any]
    ) -> ColumnElement[bool]:
        events = select(event_key).where(
            event_key.is_not(None), V.timestamp.between(since, now), activity
        )
        return key.in_(events)

    updated = and_(E.effective_date.is_not(None), E.effective_date.between(since, now))
    on_its_own = or_(did_something(E.id, V.endpoint_id), updated)
    if rule.scope == "user":
        peer = aliased(EndpointRow)
        peers_updated = select(peer.user_id).where(
            peer.user_id.is_not(None), peer.effective_date.between(since, now)
        )
        found = or_(
            and_(
                E.user_id.is_not(None),
                or_(did_something(E.user_id, V.user_id), E.user_id.in_(peers_updated)),
            ),
            and_(E.user_id.is_(None), on_its_own),
        )
    else:
        found = on_its_own
    return found if rule.type == "active" else not_(found)


def performed(rule: PerformedRule | NotPerformedRule, now: datetime) -> ColumnElement[bool]:
    matching = [
        V.event_type == rule.event,
        _window(now, rule.within),
        *(V.attributes[name].as_string().in_(values) for name, values in rule.where.items()),
    ]
    at_least, at_most = (
        (1, None)
        if isinstance(rule, NotPerformedRule)
        else (
            rule.at_least,
            rule.at_most,
        )
    )

    def counts(
        key: SQLColumnExpression[Any], event_key: SQLColumnExpression[Any]
    ) -> ColumnElement[bool]:
        conditions = []
        if at_least:
            conditions.append(key.in_(_keys_with(event_key, matching, at_least)))
        if at_most is not None:
            conditions.append(not_(key.in_(_keys_with(event_key, matching, at_most + 1))))
        return and_(*conditions) if conditions else true()

    found = by_person(rule.scope, counts)
    return not_(found) if isinstance(rule, NotPerformedRule) else found


def _keys_with(
    event_key: SQLColumnExpression[Any], matching: list[ColumnElement[bool]], times: int
) -> Select[Any]:
    """Keys with at least `times` matching events."""
    keys = select(event_key).where(event_key.is_not(None), *matching)
    return keys if times == 1 else keys.group_by(event_key).having(func.count() >= times)


def engagement(rule: EngagementRule, now: datetime) -> ColumnElement[bool]:
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
        return E.id.in_(select(M.endpoint_id).where(*sent, M.created_at <= now, *since))
    keys = select(M.idempotency_key).where(*sent)
    provider_ids = select(M.provider_message_id).where(*sent, M.provider_message_id.is_not(None))
    events = select(V.endpoint_id).where(
        V.endpoint_id.is_not(None),
        V.event_type.in_(sorted(ENGAGEMENT_EVENTS[rule.action])),
        _window(now, rule.within),
        or_(
            V.attributes["message_key"].as_string().in_(keys),
            V.attributes["message_id"].as_string().in_(provider_ids),
        ),
    )
    return E.id.in_(events)
