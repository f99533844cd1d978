"""Five representative segments counted and paged by Herald's compiler, against hand-written
SQL of the same meaning run on the same connection: an attribute, a metric, a radius, a
behaviour (events in a window) and a nested group. Both sides must find the same members.
"""

from __future__ import annotations

import asyncio
import math
import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from sqlalchemy import bindparam, text
from sqlalchemy.ext.asyncio import AsyncSession

from bench.audience_data import CITIES, NOW
from bench.timing import Result
from herald.models import Segment
from herald.segments import count_members, page_members
from herald.store import Database
from herald.store.tables import UtcDateTime

PAGE = 10_000
SINCE = NOW - timedelta(days=180)
PARIS = CITIES["FR"]
RADIUS_KM = 300.0
REACHABLE = "e.opt_out = 'NONE' AND e.endpoint_status = 'ACTIVE'"


def _rules(name: str, *rules: dict[str, Any]) -> Segment:
    return Segment.model_validate({"name": name, "rules": list(rules)})


def _near_sql() -> tuple[str, dict[str, float]]:
    lat, lon = math.radians(PARIS[0]), math.radians(PARIS[1])
    angle = RADIUS_KM / 6371.0088
    params = {
        "x": math.cos(lat) * math.cos(lon),
        "y": math.cos(lat) * math.sin(lon),
        "z": math.sin(lat),
        "zlo": math.sin(lat - angle) - 1e-9,
        "zhi": math.sin(lat + angle) + 1e-9,
        "cos": math.cos(angle),
    }
    where = "e.geo_z BETWEEN :zlo AND :zhi AND e.geo_x * :x + e.geo_y * :y + e.geo_z * :z >= :cos"
    return where, params


def _has(scope: str, name: str, condition: str) -> str:
    return (
        "EXISTS (SELECT 1 FROM endpoint_attributes a WHERE a.endpoint_id = e.id "
        f"AND a.scope = '{scope}' AND a.name = '{name}' AND {condition})"
    )


NEAR, NEAR_PARAMS = _near_sql()
CASES: list[tuple[str, Segment, str, dict[str, Any]]] = [
    (
        "attribute",
        _rules("b-attribute", {"type": "attribute", "name": "Plan", "values": ["pro"]}),
        _has("attribute", "Plan", "a.value = 'pro'"),
        {},
    ),
    (
        "metric",
        _rules("b-metric", {"type": "metric", "name": "visits", "op": ">=", "value": 40}),
        "EXISTS (SELECT 1 FROM endpoint_metrics m WHERE m.endpoint_id = e.id "
        "AND m.name = 'visits' AND m.value >= 40)",
        {},
    ),
    (
        "radius",
        _rules(
            "b-radius",
            {"type": "near", "latitude": PARIS[0], "longitude": PARIS[1], "within_km": RADIUS_KM},
        ),
        NEAR,
        NEAR_PARAMS,
    ),
    (
        "behaviour",
        _rules(
            "b-behaviour",
            {"type": "performed", "event": "purchase", "at_least": 2, "within": "P180D"},
        ),
        "e.id IN (SELECT endpoint_id FROM events WHERE event_type = 'purchase' "
        "AND timestamp BETWEEN :since AND :now AND endpoint_id IS NOT NULL "
        "GROUP BY endpoint_id HAVING count(*) >= 2)",
        {"since": SINCE, "now": NOW},
    ),
    (
        "nested group",
        _rules(
            "b-nested",
            {"type": "channel", "values": ["EMAIL"]},
            {
                "type": "group",
                "match": "any",
                "rules": [
                    {"type": "attribute", "name": "Plan", "values": ["pro", "team"]},
                    {"type": "metric", "name": "visits", "op": ">", "value": 30},
                ],
            },
            {
                "type": "group",
                "match": "none",
                "rules": [{"type": "location", "field": "country", "values": ["DE"]}],
            },
        ),
        "e.channel_type = 'EMAIL' AND ("
        + _has("attribute", "Plan", "a.value IN ('pro', 'team')")
        + " OR EXISTS (SELECT 1 FROM endpoint_metrics m WHERE m.endpoint_id = e.id "
        "AND m.name = 'visits' AND m.value > 30)) AND NOT "
        + _has("location", "country", "a.value = 'DE'"),
        {},
    ),
]


def run(url: str, label: str, repeats: int) -> list[Result]:
    return asyncio.run(_run(url, label, repeats))


async def _run(url: str, label: str, repeats: int) -> list[Result]:
    database = Database(url)
    results = []
    try:
        async with database.session() as session:
            total = int(
                (await session.execute(text("SELECT count(*) FROM endpoints"))).scalar_one()
            )
            for name, segment, where, params in CASES:
                found = await _one(session, label, name, segment, where, params, repeats)
                found[0].ops = total  # a count decides on every endpoint: endpoints per second
                results += found
    finally:
        await database.dispose()
    return results


async def _one(
    session: AsyncSession,
    label: str,
    name: str,
    segment: Segment,
    where: str,
    params: dict[str, Any],
    repeats: int,
) -> list[Result]:
    def hand(sql: str) -> Any:
        statement = text(sql)
        for key in ("since", "now"):
            if key in params:
                statement = statement.bindparams(bindparam(key, type_=UtcDateTime()))
        return statement

    count_sql = hand(f"SELECT count(*) FROM endpoints e WHERE {REACHABLE} AND {where}")
    page_sql = hand(
        f"SELECT e.id FROM endpoints e WHERE {REACHABLE} AND {where} AND e.id > :after "
        "ORDER BY e.id LIMIT :limit"
    )

    async def herald_count() -> int:
        return await count_members(session, segment, now=NOW)

    async def hand_count() -> int:
        return int((await session.execute(count_sql, params)).scalar_one())

    async def herald_walk() -> int:
        return await _walk(
            lambda after: page_members(session, segment, after=after, limit=PAGE, now=NOW)
        )

    async def hand_walk() -> int:
        async def page(after: str) -> list[str]:
            found = await session.execute(page_sql, params | {"after": after, "limit": PAGE})
            return list(found.scalars())

        return await _walk(page)

    counted = await herald_count()
    if counted != await hand_count() or counted != await herald_walk():
        raise AssertionError(f"{name}: Herald and the hand-written SQL disagree")
    herald_c, hand_c = await _best(repeats, herald_count), await _best(repeats, hand_count)
    herald_w, hand_w = await _best(repeats, herald_walk), await _best(repeats, hand_walk)
    return [
        Result(f"count {name} ({label})", f"hand SQL, {counted:,} members", 1, herald_c, hand_c),
        Result(
            f"page {name} ({label})", f"hand keyset pages of {PAGE:,}", counted, herald_w, hand_w
        ),
    ]


async def _walk(page: Callable[[str], Any]) -> int:
    after, total = "", 0
    while True:
        ids = await page(after)
        total += len(ids)
        if len(ids) < PAGE:
            return total
        after = ids[-1]


async def _best(repeats: int, work: Callable[[], Any]) -> float:
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        await work()
        best = min(best, time.perf_counter() - start)
    return best
