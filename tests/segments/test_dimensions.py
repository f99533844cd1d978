"""Each dimension on a small audience, on SQLite and PostgreSQL: who is in, and who is not."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy.exc import DBAPIError

from herald.models import Endpoint, Event, Segment
from herald.models.segment import MAX_INLINE_IDS
from herald.segments import (
    count_members,
    count_users,
    is_member,
    page_candidates,
    page_members,
    page_users,
)
from herald.store import Database
from tests.segments.world import NOW, Message, World, load
from tests.sql_capture import statements_run


def _endpoint(endpoint_id: str, **fields: Any) -> Endpoint:
    document: dict[str, Any] = {
        "Id": endpoint_id,
        "ChannelType": "EMAIL",
        "Address": f"{endpoint_id}@example.com",
    }
    return Endpoint.model_validate(document | fields)


AUDIENCE = [
    _endpoint(
        "ann",
        Attributes={"Plan": ["pro"], "Signup": ["2026-02-27T23:30:00-02:00"]},
        User={"UserId": "u-ann", "UserAttributes": {"Tier": ["gold"]}},
        Demographic={"Platform": "ios"},
        Location={"Country": "fr", "Latitude": 48.8566, "Longitude": 2.3522},
        Metrics={"visits": 10},
    ),
    _endpoint(
        "bob",
        ChannelType="SMS",
        Address="+14155550101",
        Attributes={"Plan": ["free"], "Signup": ["2026-01-15"], "Note": ["x'); DROP TABLE x;--"]},
        User={"UserId": "u-ann"},
        Location={"Country": "GB", "Latitude": 51.5074, "Longitude": -0.1278},
        Metrics={"visits": 2},
    ),
    _endpoint(
        "cy",
        Attributes={"Plan": ["Pro", "team"]},
        Demographic={"Platform": "android"},
        OptOut="ALL",
        Metrics={"visits": 3.5},
    ),
    _endpoint("dee", EndpointStatus="INACTIVE", EffectiveDate=NOW - timedelta(hours=2)),
]


def _segment(*rules: dict[str, Any], match: str = "all") -> Segment:
    return Segment.model_validate({"name": "s", "match": match, "rules": list(rules)})


async def _members(database: Database, segment: Segment, **options: Any) -> list[str]:
    async with database.session() as session:
        found = await page_members(session, segment, now=NOW, limit=100, **options)
    return sorted(found)


@pytest.fixture
async def audience(database: Database) -> Database:
    await load(database, World(endpoints=AUDIENCE))
    return database


CASES: list[tuple[dict[str, Any], list[str]]] = [
    ({"type": "attribute", "name": "Plan", "values": ["pro"]}, ["ann"]),
    (
        {"type": "attribute", "name": "Plan", "op": "exclude", "values": ["pro"]},
        ["bob", "cy", "dee"],
    ),
    ({"type": "attribute", "name": "Plan", "op": "contains", "values": ["ro"]}, ["ann", "cy"]),
    ({"type": "attribute", "name": "Plan", "op": "exists"}, ["ann", "bob", "cy"]),
    ({"type": "attribute", "name": "Plan", "op": "not_exists"}, ["dee"]),
    ({"type": "attribute", "name": "Note", "values": ["x'); DROP TABLE x;--"]}, ["bob"]),
    # 23:30 at -02:00 is 01:30 UTC on the 28th: dates compare in UTC.
    ({"type": "attribute", "name": "Signup", "op": "on", "values": ["2026-02-28"]}, ["ann"]),
    ({"type": "attribute", "name": "Signup", "op": "after", "values": ["2026-02-27"]}, ["ann"]),
    ({"type": "attribute", "name": "Signup", "op": "before", "values": ["2026-02-01"]}, ["bob"]),
    (
        {
            "type": "attribute",
            "name": "Signup",
            "op": "between",
            "values": ["2026-01-15", "2026-01-15"],
        },
        ["bob"],
    ),
    ({"type": "user_attribute", "name": "Tier", "values": ["gold"]}, ["ann", "bob"]),
    (
        {"type": "user_attribute", "name": "Tier", "op": "exclude", "values": ["gold"]},
        ["cy", "dee"],
    ),
    ({"type": "channel", "values": ["SMS"]}, ["bob"]),
    ({"type": "channel", "op": "exclude", "values": ["SMS"]}, ["ann", "cy", "dee"]),
    ({"type": "demographic", "field": "platform", "values": ["ios", "web"]}, ["ann"]),
    (
        {"type": "demographic", "field": "platform", "op": "exclude", "values": ["ios"]},
        ["bob", "cy", "dee"],
    ),
    ({"type": "location", "field": "country", "values": ["FR", "gb"]}, ["ann", "bob"]),
    # Paris to London is about 344 km.
    ({"type": "near", "latitude": 48.8566, "longitude": 2.3522, "within_km": 340}, ["ann"]),
    ({"type": "near", "latitude": 48.8566, "longitude": 2.3522, "within_km": 350}, ["ann", "bob"]),
    ({"type": "metric", "name": "visits", "op": ">=", "value": 2}, ["ann", "bob", "cy"]),
    ({"type": "metric", "name": "visits", "op": "=", "value": 2}, ["bob"]),
    ({"type": "metric", "name": "visits", "op": "<", "value": 2}, []),
]


@pytest.mark.parametrize(("rule", "expected"), CASES, ids=[str(i) for i in range(len(CASES))])
async def test_endpoint_dimension(
    audience: Database, rule: dict[str, Any], expected: list[str]
) -> None:
    assert await _members(audience, _segment(rule), include_unreachable=True) == expected


async def test_unreachable_endpoints_only_with_the_analysis_flag(audience: Database) -> None:
    everyone = _segment()
    assert await _members(audience, everyone) == ["ann", "bob"]
    assert await _members(audience, everyone, include_unreachable=True) == [
        "ann",
        "bob",
        "cy",
        "dee",
    ]
    async with audience.session() as session:
        assert await count_members(session, everyone, now=NOW) == 2
        assert await count_members(session, everyone, include_unreachable=True, now=NOW) == 4
        assert await is_member(session, everyone, "cy")  # a split asks about membership itself


async def test_a_campaign_snapshot_takes_opted_out_members_marked_not_inactive_ones(
    audience: Database,
) -> None:
    everyone = _segment()
    async with audience.session() as session:
        page = await page_candidates(session, everyone, now=NOW)
        assert page == [("ann", False), ("bob", False), ("cy", True)]
        assert await page_candidates(session, everyone, after="ann", limit=1, now=NOW) == [
            ("bob", False)
        ]
        one = await page_candidates(session, everyone, endpoint_id="cy", now=NOW)
        assert one == [("cy", True)]
        assert await page_candidates(session, everyone, endpoint_id="dee", now=NOW) == []


async def test_groups_nest_with_all_any_none(audience: Database) -> None:
    pro_or_sms = {
        "type": "group",
        "match": "any",
        "rules": [
            {"type": "attribute", "name": "Plan", "values": ["pro"]},
            {"type": "channel", "values": ["SMS"]},
        ],
    }
    assert await _members(audience, _segment(pro_or_sms)) == ["ann", "bob"]
    not_either = _segment(pro_or_sms, match="none")
    assert await _members(audience, not_either, include_unreachable=True) == ["cy", "dee"]
    both = _segment(pro_or_sms, {"type": "metric", "name": "visits", "op": ">", "value": 5})
    assert await _members(audience, both) == ["ann"]


async def test_users_are_counted_and_paged_once(audience: Database) -> None:
    everyone = _segment()
    async with audience.session() as session:
        assert await count_users(session, everyone, now=NOW) == 1
        assert await page_users(session, everyone, now=NOW) == ["u-ann"]


async def test_keyset_pages_walk_every_member_once(database: Database) -> None:
    many = [_endpoint(f"e{i:03d}") for i in range(25)]
    await load(database, World(endpoints=many))
    segment, seen, after = _segment(), [], ""
    while True:
        async with database.session() as session:
            page = await page_members(session, segment, after=after, limit=7)
        seen += page
        if len(page) < 7:
            break
        after = page[-1]
    assert sorted(seen) == [e.id for e in many]
    assert len(seen) == len(set(seen))


def _event(endpoint_id: str | None, event_type: str, ago: timedelta, **fields: Any) -> Event:
    return Event(endpoint_id=endpoint_id, event_type=event_type, timestamp=NOW - ago, **fields)


BEHAVIOUR = [
    _event("ann", "buy", timedelta(days=1), attributes={"currency": "EUR"}),
    _event("ann", "buy", timedelta(days=40), attributes={"currency": "EUR"}),
    _event("bob", "buy", timedelta(days=2), attributes={"currency": "USD"}),
    _event("bob", "buy", -timedelta(days=1)),  # stamped in the future: not counted yet
    _event(None, "login", timedelta(hours=3), user_id="u-ann"),
    _event("cy", "_email.send", timedelta(hours=1)),
]


@pytest.fixture
async def behaving(database: Database) -> Database:
    await load(database, World(endpoints=AUDIENCE, events=BEHAVIOUR))
    return database


BEHAVIOUR_CASES: list[tuple[dict[str, Any], list[str]]] = [
    ({"type": "performed", "event": "buy"}, ["ann", "bob"]),
    ({"type": "performed", "event": "buy", "at_least": 2}, ["ann"]),
    ({"type": "performed", "event": "buy", "at_least": 2, "within": "P30D"}, []),
    ({"type": "performed", "event": "buy", "at_most": 1}, ["bob", "cy", "dee"]),
    ({"type": "performed", "event": "buy", "where": {"currency": ["EUR"]}}, ["ann"]),
    ({"type": "performed", "event": "buy", "at_least": 3, "scope": "user"}, ["ann", "bob"]),
    ({"type": "performed", "event": "login", "scope": "user"}, ["ann", "bob"]),
    ({"type": "performed", "event": "login"}, []),
    ({"type": "not_performed", "event": "buy", "within": "P7D"}, ["cy", "dee"]),
    ({"type": "active", "within": "P1D"}, ["ann", "dee"]),
    ({"type": "active", "within": "P1D", "scope": "user"}, ["ann", "bob", "dee"]),
    ({"type": "inactive", "within": "PT3H"}, ["ann", "bob", "cy"]),
]


@pytest.mark.parametrize(
    ("rule", "expected"), BEHAVIOUR_CASES, ids=[str(i) for i in range(len(BEHAVIOUR_CASES))]
)
async def test_behaviour_dimension(
    behaving: Database, rule: dict[str, Any], expected: list[str]
) -> None:
    found = await _members(behaving, _segment(rule), include_unreachable=True)
    assert found == expected


ENGAGEMENT_EVENTS = [
    _event("ann", "_email.open", timedelta(hours=1), attributes={"message_key": "k-ann"}),
    _event("bob", "_email.click", timedelta(hours=1), attributes={"message_id": "prov-bob"}),
    _event("cy", "_email.open", timedelta(hours=1), attributes={"message_key": "k-other"}),
]
MESSAGES = [
    Message(
        key="k-ann",
        endpoint_id="ann",
        journey="welcome",
        step_id="hello",
        created_at=NOW - timedelta(hours=1),
    ),
    Message(key="k-bob", endpoint_id="bob", campaign="spring", provider_message_id="prov-bob"),
    Message(key="k-dee", endpoint_id="dee", journey="welcome", step_id="tip", status="FAILED"),
    Message(key="k-other", endpoint_id="cy", journey="other", step_id="hello"),
]


async def test_engagement_by_journey_step_and_campaign(database: Database) -> None:
    world = World(endpoints=AUDIENCE, events=ENGAGEMENT_EVENTS, messages=MESSAGES)
    await load(database, world)

    async def who(**rule: Any) -> list[str]:
        segment = _segment({"type": "engagement", **rule})
        return await _members(database, segment, include_unreachable=True)

    assert await who(action="sent", journey="welcome") == ["ann"]  # dee's send FAILED
    assert await who(action="opened", journey="welcome", step="hello") == ["ann"]
    assert await who(action="opened", journey="welcome", step="tip") == []
    assert await who(action="clicked", campaign="spring") == ["bob"]
    assert await who(action="opened", journey="other") == ["cy"]
    assert await who(action="sent", journey="welcome", within="PT1M") == []


async def test_base_and_static_segments(audience: Database) -> None:
    static = Segment(name="vips", endpoint_ids=["cy", "dee"], user_ids=["u-ann"])
    built = Segment.model_validate(
        {
            "name": "vip-pros",
            "rules": [
                {"type": "segment", "name": "vips"},
                {"type": "attribute", "name": "Plan", "values": ["pro", "Pro"]},
            ],
        }
    )
    await load(audience, World(segments=[static, built]))
    assert await _members(audience, static, include_unreachable=True) == ["ann", "bob", "cy", "dee"]
    assert await _members(audience, built, include_unreachable=True) == ["ann", "cy"]
    assert await _members(audience, built) == ["ann"]


async def _logged_in_later(database: Database, *events: Event) -> None:
    """A phone registered anonymously records `events`, then the person logs in and the app
    gives the endpoint its `User.UserId`: the events keep the user they were recorded with
    (none)."""
    await load(database, World(endpoints=[_endpoint("phone")], events=list(events)))
    await load(database, World(endpoints=[_endpoint("phone", User={"UserId": "u-ann"})]))


@pytest.mark.parametrize(
    ("rule", "expected"),
    [
        ({"type": "active", "within": "P1D"}, ["phone"]),
        ({"type": "performed", "event": "purchase", "within": "P30D"}, ["phone"]),
        ({"type": "not_performed", "event": "purchase"}, []),
    ],
    ids=["active", "performed", "not_performed"],
)
async def test_scope_user_keeps_the_endpoints_events_from_before_it_had_a_user(
    database: Database, rule: dict[str, Any], expected: list[str]
) -> None:
    """Widening the scope to the user never drops the endpoint's own events."""
    await _logged_in_later(
        database,
        _event("phone", "_session.start", timedelta(hours=2)),
        _event("phone", "purchase", timedelta(hours=1)),
    )
    for scope in ("endpoint", "user"):
        segment = _segment(rule | {"scope": scope})
        assert await _members(database, segment, include_unreachable=True) == expected, scope


async def test_scope_user_counts_each_event_of_the_user_once(database: Database) -> None:
    """The user's events: the phone's from before the login (found through the endpoint) and
    the tablet's, recorded for the user (and found through the endpoint too)."""
    await _logged_in_later(database, _event("phone", "purchase", timedelta(hours=2)))
    tablet = _endpoint("tablet", User={"UserId": "u-ann"})
    bought = _event("tablet", "purchase", timedelta(hours=1))
    await load(database, World(endpoints=[tablet], events=[bought]))
    purchases = {"type": "performed", "event": "purchase", "scope": "user"}
    exactly = _segment(purchases | {"at_least": 2, "at_most": 2})
    assert await _members(database, exactly, include_unreachable=True) == ["phone", "tablet"]


async def test_static_segments_full_to_their_limit_combine(database: Database) -> None:
    """Each static segment may list 10,000 endpoint and 10,000 user ids (MAX_INLINE_IDS). One
    bound parameter per id overflowed PostgreSQL's 65,535 parameters of a statement once four
    such lists were combined (and SQLite's 32,766 at two, as it is built by default): each
    list is one parameter."""
    lists = [
        Segment(
            name=f"attendees-{n}",
            endpoint_ids=[f"e{n}-{i}" for i in range(MAX_INLINE_IDS)],
            user_ids=[f"u{n}-{i}" for i in range(MAX_INLINE_IDS)],
        )
        for n in range(4)
    ]
    combined = _segment(*({"type": "segment", "name": s.name} for s in lists), match="any")
    await load(database, World(endpoints=[_endpoint("e2-7")], segments=lists))
    with statements_run(database) as statements:
        try:
            async with database.session() as session:
                assert await count_members(session, combined, now=NOW) == 1
        except DBAPIError as exc:  # not the whole statement: it holds 80,000 ids
            pytest.fail(f"the count failed: {str(exc.orig).splitlines()[0]}")
    [counted] = [params for sql, params in statements if "count(" in sql]
    assert len(counted) < 20, "a parameter per id"
