"""Hypothesis strategies: small random audiences and random segment trees over them.

Values come from small pools on purpose, so random rules actually match some endpoints, and
the pools hold the awkward cases: quotes and SQL in values, case, non-ASCII, dates with
offsets, `_`-prefixed event names, endpoints without users or locations.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from hypothesis import strategies as st

from herald.models import Endpoint, Event, Segment
from tests.segments.world import NOW, Message, World

ENDPOINT_IDS = [f"e{i}" for i in range(8)]
USER_IDS = ["u0", "u1", "u2"]
NAMES = ["Plan", "Signup", "Tags"]
VALUES = [
    "pro",
    "Pro",
    "free",
    "it's",
    "x'); DROP TABLE endpoints; --",
    "caf\u00e9",
    "2026-02-27",
    "2026-02-27T23:30:00-02:00",
    "2026-01-01T00:00:00Z",
    "",
]
QUERY_DATES = ["2026-02-27", "2026-02-28", "2026-01-01T00:00:00Z", "2025-12-31"]
CITIES = [(48.8566, 2.3522), (51.5074, -0.1278), (40.7128, -74.006), (-33.8688, 151.2093)]
EVENT_TYPES = ["buy", "view", "_session.start", "_email.send", "_email.open", "_email.click"]
WINDOWS = [None, timedelta(hours=1), timedelta(days=2), timedelta(days=30)]
OFFSETS = [timedelta(0), timedelta(minutes=30), timedelta(days=1), timedelta(days=10)]
OFFSETS += [timedelta(days=45), -timedelta(days=1)]  # the last one: stamped in the future
JOURNEY_STEPS = [("j1", "s1"), ("j1", "s2"), ("j2", "s1")]


def _address(channel: str, index: int) -> str:
    return {"EMAIL": f"p{index}@example.com", "SMS": f"+1415555{index:04d}"}.get(
        channel, f"token-{index}"
    )


@st.composite
def endpoints(draw: st.DrawFn) -> list[Endpoint]:
    ids = draw(st.lists(st.sampled_from(ENDPOINT_IDS), min_size=5, max_size=8, unique=True))
    return [draw(endpoint(endpoint_id, i)) for i, endpoint_id in enumerate(ids)]


@st.composite
def endpoint(draw: st.DrawFn, endpoint_id: str, index: int) -> Endpoint:
    channel = draw(st.sampled_from(["EMAIL", "SMS", "APNS"]))
    document: dict[str, Any] = {
        "Id": endpoint_id,
        "ChannelType": channel,
        "Address": _address(channel, index),
        "Attributes": draw(_attributes()),
        "Demographic": {"Platform": draw(st.sampled_from([None, "ios", "android"]))},
        "Location": draw(_location()),
        "Metrics": draw(
            st.dictionaries(st.sampled_from(["visits", "spend"]), _metric_values(), min_size=1)
        ),
        "OptOut": draw(st.sampled_from(["NONE", "NONE", "ALL"])),
        "EndpointStatus": draw(st.sampled_from(["ACTIVE", "ACTIVE", "INACTIVE"])),
        "EffectiveDate": draw(st.sampled_from([None, *(NOW - o for o in OFFSETS)])),
    }
    user = draw(st.sampled_from([None, *USER_IDS]))
    if user is not None:
        document["User"] = {"UserId": user, "UserAttributes": draw(_attributes())}
    return Endpoint.model_validate(document)


def _attributes() -> st.SearchStrategy[dict[str, list[str]]]:
    values = st.lists(st.sampled_from(VALUES), min_size=1, max_size=3)
    return st.dictionaries(st.sampled_from(NAMES), values, min_size=1, max_size=3)


def _metric_values() -> st.SearchStrategy[float]:
    return st.sampled_from([0.0, 1.0, 2.5, 10.0, -3.0])


def _location() -> st.SearchStrategy[dict[str, Any]]:
    point = st.sampled_from([None, *CITIES])
    country = st.sampled_from([None, "FR", "us", "GB"])
    return st.builds(
        lambda p, c: {"Country": c} | ({"Latitude": p[0], "Longitude": p[1]} if p else {}),
        point,
        country,
    )


@st.composite
def events(draw: st.DrawFn, endpoint_list: list[Endpoint]) -> list[Event]:
    found = []
    for index in range(draw(st.integers(6, 16))):
        owner = draw(st.sampled_from([*(e.id for e in endpoint_list), *USER_IDS]))
        is_user = owner in USER_IDS
        users = {e.user_id for e in endpoint_list}
        if is_user and owner not in users:
            continue  # a user no endpoint has does not exist; the store would refuse it
        attributes = {"item": draw(st.sampled_from(["a", "b", "it's"]))}
        if draw(st.booleans()):
            attributes["message_key"] = draw(st.sampled_from(["k0", "k1", "k2", "k3"]))
        found.append(
            Event(
                id=f"ev{index}",
                endpoint_id=None if is_user else owner,
                user_id=owner if is_user else None,
                event_type=draw(st.sampled_from(EVENT_TYPES)),
                timestamp=NOW - draw(st.sampled_from(OFFSETS)),
                attributes=attributes,
            )
        )
    return found


@st.composite
def messages(draw: st.DrawFn, endpoint_list: list[Endpoint]) -> list[Message]:
    found = []
    for index in range(draw(st.integers(0, 4))):
        journey, step = draw(st.sampled_from(JOURNEY_STEPS))
        campaign = draw(st.sampled_from([None, "c1"]))
        found.append(
            Message(
                key=f"k{index}",
                endpoint_id=draw(st.sampled_from([e.id for e in endpoint_list])),
                status=draw(st.sampled_from(["SENT", "SENT", "FAILED"])),
                journey=None if campaign else journey,
                step_id=None if campaign else step,
                campaign=campaign,
                created_at=NOW - draw(st.sampled_from(OFFSETS)),
            )
        )
    return found


def _leaf() -> st.SearchStrategy[dict[str, Any]]:
    attribute = st.one_of(
        st.fixed_dictionaries(
            {
                "type": st.sampled_from(["attribute", "user_attribute"]),
                "name": st.sampled_from(NAMES),
                "op": st.sampled_from(["include", "exclude", "contains"]),
                "values": st.lists(st.sampled_from([*VALUES, "r", "o"]), min_size=1, max_size=2),
            }
        ),
        st.fixed_dictionaries(
            {
                "type": st.sampled_from(["attribute", "user_attribute"]),
                "name": st.sampled_from(NAMES),
                "op": st.sampled_from(["exists", "not_exists"]),
            }
        ),
        st.fixed_dictionaries(
            {
                "type": st.sampled_from(["attribute", "user_attribute"]),
                "name": st.just("Signup"),
                "op": st.sampled_from(["before", "after"]),
                "values": st.lists(st.sampled_from(QUERY_DATES), min_size=1, max_size=1),
            }
        ),
        st.fixed_dictionaries(
            {
                "type": st.just("attribute"),
                "name": st.just("Signup"),
                "op": st.just("on"),
                "values": st.lists(st.sampled_from(QUERY_DATES), min_size=1, max_size=2),
            }
        ),
        st.fixed_dictionaries(
            {
                "type": st.just("user_attribute"),
                "name": st.just("Signup"),
                "op": st.just("between"),
                "values": st.lists(st.sampled_from(QUERY_DATES), min_size=2, max_size=2),
            }
        ),
    )
    return st.one_of(attribute, _endpoint_leaf(), _behaviour_leaf())


def _endpoint_leaf() -> st.SearchStrategy[dict[str, Any]]:
    set_op = st.sampled_from(["include", "exclude"])
    return st.one_of(
        st.fixed_dictionaries(
            {
                "type": st.just("channel"),
                "op": set_op,
                "values": st.lists(st.sampled_from(["EMAIL", "SMS", "APNS"]), min_size=1),
            }
        ),
        st.fixed_dictionaries(
            {
                "type": st.just("demographic"),
                "field": st.just("platform"),
                "op": set_op,
                "values": st.lists(st.sampled_from(["ios", "android", "web"]), min_size=1),
            }
        ),
        st.fixed_dictionaries(
            {
                "type": st.just("location"),
                "field": st.just("country"),
                "op": set_op,
                "values": st.lists(st.sampled_from(["fr", "US", "DE"]), min_size=1),
            }
        ),
        st.builds(
            lambda p, km: {"type": "near", "latitude": p[0], "longitude": p[1], "within_km": km},
            st.sampled_from(CITIES),
            st.sampled_from([1.0, 350.0, 400.0, 6000.0, 20000.0]),
        ),
        st.fixed_dictionaries(
            {
                "type": st.just("metric"),
                "name": st.sampled_from(["visits", "spend"]),
                "op": st.sampled_from(["=", "<", "<=", ">", ">="]),
                "value": _metric_values(),
            }
        ),
    )


def _behaviour_leaf() -> st.SearchStrategy[dict[str, Any]]:
    window = st.sampled_from(WINDOWS)
    scope = st.sampled_from(["endpoint", "user"])
    return st.one_of(
        st.builds(
            lambda kind, w, s: {"type": kind, "within": w or timedelta(days=3), "scope": s},
            st.sampled_from(["active", "inactive"]),
            window,
            scope,
        ),
        st.builds(
            lambda event, w, low, high, where, s: {
                "type": "performed",
                "event": event,
                "within": w,
                "at_least": low,
                "at_most": None if high is None else (low or 0) + high,
                "where": where,
                "scope": s,
            },
            st.sampled_from(EVENT_TYPES),
            window,
            st.sampled_from([None, 0, 1, 2]),
            st.sampled_from([None, 0, 1]),
            st.sampled_from([{}, {"item": ["a"]}, {"item": ["it's", "b"]}]),
            scope,
        ),
        st.builds(
            lambda event, w, s: {"type": "not_performed", "event": event, "within": w, "scope": s},
            st.sampled_from(EVENT_TYPES),
            window,
            scope,
        ),
        st.builds(
            lambda action, source, w: (
                {"type": "engagement", "action": action, "within": w} | source
            ),
            st.sampled_from(["sent", "opened", "clicked"]),
            st.sampled_from(
                [{"journey": "j1"}, {"journey": "j1", "step": "s2"}, {"campaign": "c1"}]
            ),
            window,
        ),
    )


def rules(base_segments: list[str]) -> st.SearchStrategy[dict[str, Any]]:
    leaves = _leaf()
    if base_segments:
        leaves = st.one_of(
            leaves,
            st.builds(lambda n: {"type": "segment", "name": n}, st.sampled_from(base_segments)),
        )
    return st.recursive(
        leaves,
        lambda children: st.builds(
            lambda match, rs: {"type": "group", "match": match, "rules": rs},
            st.sampled_from(["all", "any", "none"]),
            st.lists(children, min_size=1, max_size=3),
        ),
        max_leaves=6,
    )


def segment(name: str, base_segments: list[str]) -> st.SearchStrategy[Segment]:
    return st.builds(
        lambda match, rs: Segment.model_validate({"name": name, "match": match, "rules": rs}),
        st.sampled_from(["all", "any", "none"]),
        st.lists(rules(base_segments), min_size=1, max_size=3),
    )


def base_segments() -> st.SearchStrategy[list[Segment]]:
    """A static segment (endpoint and user ids) and a dynamic one to build on."""
    static = st.builds(
        lambda ids, users: Segment(name="base-static", endpoint_ids=ids, user_ids=users),
        st.lists(st.sampled_from(ENDPOINT_IDS), max_size=3),
        st.lists(st.sampled_from(USER_IDS), max_size=1),
    )
    return st.tuples(static, segment("base-dynamic", ["base-static"])).map(list)


@st.composite
def worlds(draw: st.DrawFn) -> World:
    endpoint_list = draw(endpoints())
    return World(
        endpoints=endpoint_list,
        events=draw(events(endpoint_list)),
        messages=draw(messages(endpoint_list)),
        segments=draw(base_segments()),
    )
