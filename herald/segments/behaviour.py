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
from dataclasses import dataclass
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


@dataclass(frozen=True)
class Tie:
    """What makes an event one of a person's: its `event_key` equals the endpoint's `key`,
    and `also` holds."""

    key: Key
    event_key: Key
    also: tuple[ColumnElement[bool], ...] = ()


# test(ties, top): the events tied to the endpoint by any of `ties` count. The ties of one
# person never share an event, so counts add up.
TiesTest = Callable[[list[Tie], bool], ColumnElement[bool]]
OWN = Tie(E.id, V.endpoint_id)


def by_person(scope: str, test: TiesTest, top: bool) -> ColumnElement[bool]:
    """scope endpoint: the endpoint's own events. scope user: its user's events, or its own
    when it has no user."""
    if scope == "endpoint":
        return test([OWN], top)
    return or_(
        and_(E.user_id.is_not(None), test(_users_events(), False)),
        and_(E.user_id.is_(None), test([OWN], False)),
    )


def _users_events() -> list[Tie]:
    """The events recorded for the user, and those recorded for any endpoint the user has now:
    an event keeps the user its endpoint had when it was recorded, so an endpoint's events
    from before it had the user (or from another user) are found through the endpoint."""
    peer = aliased(EndpointRow)
    # Not the events recorded for the user: the first tie has them.
    others = V.user_id.is_distinct_from(E.user_id)
    return [
        Tie(E.user_id, V.user_id),
        Tie(E.user_id, peer.user_id, (V.endpoint_id == peer.id, others)),
    ]


def having(tie: Tie, matching: list[ColumnElement[bool]], top: bool) -> ColumnElement[bool]:
    """The endpoint has at least one matching event through `tie`."""
    if top:
        events = select(tie.event_key).where(tie.event_key.is_not(None), *tie.also, *matching)
        return tie.key.in_(events)
    return probe(tie.event_key == tie.key, *tie.also, *matching)


def _any(ties: list[Tie], matching: list[ColumnElement[bool]], top: bool) -> ColumnElement[bool]:
    return or_(*(having(tie, matching, top) for tie in ties))


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
    acted = by_person(rule.scope, lambda ties, _: _any(ties, activity, False), False)
    updated = and_(E.effective_date.is_not(None), E.effective_date.between(since, now))
    if rule.scope == "user":
        peer = aliased(EndpointRow)
        peer_updated = probe(peer.user_id == E.user_id, peer.effective_date.between(since, now))
        updated = or_(and_(E.user_id.is_not(None), peer_updated), updated)
    found = or_(acted, updated)
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
        return not_(by_person(rule.scope, lambda ties, _: _any(ties, matching, False), False))
    at_least, at_most = rule.at_least, rule.at_most

    def counts(ties: list[Tie], top: bool) -> ColumnElement[bool]:
        conditions = []
        if at_least == 1:
            conditions.append(_any(ties, matching, top and at_most is None))
        elif at_least:
            conditions.append(_at_least(ties, matching, at_least, top))
        if at_most is not None:
            conditions.append(_count(ties, matching) <= at_most)
        return and_(*conditions) if conditions else true()

    return by_person(rule.scope, counts, top)


def _at_least(
    ties: list[Tie], matching: list[ColumnElement[bool]], times: int, top: bool
) -> ColumnElement[bool]:
    if top and len(ties) == 1:
        [tie] = ties
        keys = select(tie.event_key).where(tie.event_key.is_not(None), *tie.also, *matching)
        return tie.key.in_(keys.group_by(tie.event_key).having(func.count() >= times))
    at_least: ColumnElement[bool] = _count(ties, matching) >= times
    return at_least


def _count(ties: list[Tie], matching: list[ColumnElement[bool]]) -> Any:
    counts = [
        select(func.count()).where(tie.event_key == tie.key, *tie.also, *matching) for tie in ties
    ]
    return sum((c.scalar_subquery() for c in counts[1:]), counts[0].scalar_subquery())


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
    return having(OWN, engaged, top)
