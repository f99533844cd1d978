"""A small, obviously correct evaluator of segments over a `World`, in plain Python.

It follows the meaning written on each rule model (herald/models/segment_rules.py), one
endpoint at a time, with no SQL. The property test checks the compiled SQL agrees with it.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta

from herald.analytics.event_names import ENGAGEMENT_EVENTS
from herald.models import Endpoint, Event, Segment
from herald.models.event import is_activity
from herald.models.instants import bounds, day_bounds, parse_instant
from herald.models.segment_rules import (
    ActiveRule,
    AttributeRule,
    ChannelRule,
    DemographicRule,
    EngagementRule,
    GroupRule,
    LocationRule,
    MetricRule,
    NearRule,
    NotPerformedRule,
    PerformedRule,
    Rule,
    SegmentRule,
    UserAttributeRule,
)
from tests.segments.world import World

EARTH_RADIUS_KM = 6371.0088


class Evaluator:
    def __init__(self, world: World, now: datetime) -> None:
        self.world, self.now = world, now
        self.segments = {s.name: s for s in world.segments}
        self.user_attributes = _merged_users(world.endpoints)
        self.event_users = {e.id: e.user_id for e in world.endpoints}

    def members(self, segment: Segment, *, include_unreachable: bool = False) -> set[str]:
        return {
            e.id
            for e in self.world.endpoints
            if self.member(segment, e) and (include_unreachable or _reachable(e))
        }

    def member(self, segment: Segment, endpoint: Endpoint) -> bool:
        if segment.is_static:
            by_user = endpoint.user_id is not None and endpoint.user_id in segment.user_ids
            return endpoint.id in segment.endpoint_ids or by_user
        return self.group(segment.match, segment.rules, endpoint)

    def group(self, match: str, rules: list[Rule], endpoint: Endpoint) -> bool:
        answers = [self.rule(r, endpoint) for r in rules]
        if match == "all":
            return all(answers)
        if match == "any":
            return any(answers)
        return not any(answers)

    def rule(self, rule: Rule, e: Endpoint) -> bool:
        if isinstance(rule, GroupRule):
            return self.group(rule.match, rule.rules, e)
        if isinstance(rule, SegmentRule):
            return self.member(self.segments[rule.name], e)
        if isinstance(rule, AttributeRule):
            return _values_match(rule.op, rule.values, e.attributes.get(rule.name, []))
        if isinstance(rule, UserAttributeRule):
            attributes = self.user_attributes.get(e.user_id or "", {})
            return _values_match(rule.op, rule.values, attributes.get(rule.name, []))
        if isinstance(rule, ChannelRule):
            inside = e.channel_type in rule.values
            return inside if rule.op == "include" else not inside
        if isinstance(rule, DemographicRule | LocationRule):
            part = e.demographic if isinstance(rule, DemographicRule) else e.location
            inside = getattr(part, rule.field) in rule.values
            return inside if rule.op == "include" else not inside
        if isinstance(rule, NearRule):
            return _near(rule, e)
        if isinstance(rule, MetricRule):
            return _metric(rule, e)
        if isinstance(rule, ActiveRule):
            return self.active(rule, e) == (rule.type == "active")
        if isinstance(rule, PerformedRule | NotPerformedRule):
            return self.performed(rule, e)
        assert isinstance(rule, EngagementRule)
        return self.engaged(rule, e)

    def _events_of(self, scope: str, e: Endpoint) -> list[Event]:
        if scope == "user" and e.user_id is not None:
            # Recorded for the user, or for an endpoint the user has now.
            theirs = {p.id for p in self.world.endpoints if p.user_id == e.user_id}
            return [
                v
                for v in self.world.events
                if self._user_of(v) == e.user_id or v.endpoint_id in theirs
            ]
        return [v for v in self.world.events if v.endpoint_id == e.id]

    def _user_of(self, event: Event) -> str | None:
        """Who the store records the event for: the given user, else its endpoint's (a World's
        endpoints are written before its events)."""
        if event.user_id is not None:
            return event.user_id
        return self.event_users.get(event.endpoint_id or "")

    def _in_window(self, at: datetime, within: timedelta | None) -> bool:
        if at > self.now:
            return False
        return within is None or at >= self.now - within

    def active(self, rule: ActiveRule, e: Endpoint) -> bool:
        events = self._events_of(rule.scope, e)
        if any(
            is_activity(v.event_type) and self._in_window(v.timestamp, rule.within) for v in events
        ):
            return True
        peers = [e]
        if rule.scope == "user" and e.user_id is not None:
            peers = [p for p in self.world.endpoints if p.user_id == e.user_id]
        return any(
            p.effective_date is not None and self._in_window(p.effective_date, rule.within)
            for p in peers
        )

    def performed(self, rule: PerformedRule | NotPerformedRule, e: Endpoint) -> bool:
        count = sum(
            1
            for v in self._events_of(rule.scope, e)
            if v.event_type == rule.event
            and self._in_window(v.timestamp, rule.within)
            and all(v.attributes.get(k) in values for k, values in rule.where.items())
        )
        if isinstance(rule, NotPerformedRule):
            return count == 0
        low_ok = rule.at_least is None or count >= rule.at_least
        return low_ok and (rule.at_most is None or count <= rule.at_most)

    def engaged(self, rule: EngagementRule, e: Endpoint) -> bool:
        sent = [
            m
            for m in self.world.messages
            if m.status == "SENT"
            and (rule.journey is None or m.journey == rule.journey)
            and (rule.step is None or m.step_id == rule.step)
            and (rule.campaign is None or m.campaign == rule.campaign)
        ]
        if rule.action == "sent":
            return any(
                m.endpoint_id == e.id and self._in_window(m.created_at, rule.within) for m in sent
            )
        keys = {m.key for m in sent}
        provider_ids = {m.provider_message_id for m in sent if m.provider_message_id}
        return any(
            v.endpoint_id == e.id
            and v.event_type in ENGAGEMENT_EVENTS[rule.action]
            and self._in_window(v.timestamp, rule.within)
            and (
                v.attributes.get("message_key") in keys
                or v.attributes.get("message_id") in provider_ids
            )
            for v in self.world.events
        )


def _merged_users(endpoints: list[Endpoint]) -> dict[str, dict[str, list[str]]]:
    """User attributes as upserts leave them: later endpoints' values replace earlier ones."""
    users: dict[str, dict[str, list[str]]] = {}
    for e in endpoints:
        if e.user and e.user.user_id:
            users.setdefault(e.user.user_id, {}).update(e.user.user_attributes)
    return users


def _reachable(e: Endpoint) -> bool:
    return e.opt_out == "NONE" and e.endpoint_status == "ACTIVE"


def _values_match(op: str, wanted: list[str], values: list[str]) -> bool:
    if op == "include":
        return any(v in wanted for v in values)
    if op == "exclude":
        return not any(v in wanted for v in values)
    if op == "contains":
        return any(w in v for v in values for w in wanted)
    if op == "exists":
        return bool(values)
    if op == "not_exists":
        return not values
    instants = [t for t in (parse_instant(v) for v in values) if t is not None]
    if op == "before":
        return any(t < bounds(wanted[0])[0] for t in instants)
    if op == "after":
        return any(t > bounds(wanted[0])[1] for t in instants)
    if op == "on":
        days = [day_bounds(w) for w in wanted]
        return any(low <= t <= high for t in instants for low, high in days)
    low, high = bounds(wanted[0])[0], bounds(wanted[1])[1]
    return any(low <= t <= high for t in instants)


def _near(rule: NearRule, e: Endpoint) -> bool:
    lat, lon = e.location.latitude, e.location.longitude
    if lat is None or lon is None:
        return False
    p1, p2 = math.radians(lat), math.radians(rule.latitude)
    dp, dl = p2 - p1, math.radians(rule.longitude - lon)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h))) <= rule.within_km


def _metric(rule: MetricRule, e: Endpoint) -> bool:
    value = e.metrics.get(rule.name)
    if value is None:
        return False
    return {
        "=": value == rule.value,
        "<": value < rule.value,
        "<=": value <= rule.value,
        ">": value > rule.value,
        ">=": value >= rule.value,
    }[rule.op]
