"""Splits on attributes, metrics, segments, events and engagement; random splits; holdouts."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta
from typing import Any

from herald.models import Event
from tests.workflows.engine import Engine, endpoint, journey, template


def split(conditions: list[dict[str, Any]], match: str = "ALL") -> dict[str, Any]:
    return {
        "check": {"type": "split", "match": match, "conditions": conditions, "yes": "y", "no": "n"},
        "y": {"type": "exit"},
        "n": {"type": "exit"},
    }


async def test_attribute_metric_and_segment_conditions(engine: Engine) -> None:
    pro = endpoint("pro", Attributes={"Plan": ["pro"]}, Metrics={"spend": 120})
    free = endpoint("free", Attributes={"Plan": ["free"]}, Metrics={"spend": 5})
    vip = {"kind": "Segment", "name": "vips", "endpoint_ids": ["pro"]}
    conditions: list[dict[str, Any]] = [
        {"kind": "attribute", "name": "Plan", "values": ["pro", "team"]},
        {"kind": "metric", "name": "spend", "op": "ge", "value": 100},
        {"kind": "segment", "segment": "vips"},
    ]
    await engine.apply(pro, free, vip, journey("tiers", "check", split(conditions)))
    assert await engine.run_through("tiers", "pro") == ["check", "y"]
    assert await engine.run_through("tiers", "free") == ["check", "n"]


async def test_event_condition_counts_events_since_entry_or_in_a_window(engine: Engine) -> None:
    steps = {
        "first": {"type": "wait", "duration": "PT1H", "next": "check"},
        **split([{"kind": "event", "event_type": "login", "min_count": 2}]),
    }
    await engine.apply(endpoint("active"), endpoint("lazy"), journey("logins", "first", steps))
    for who in ("active", "lazy"):
        await engine.herald.enter("logins", who)
        await engine.waiting("logins", who, on="first")
    # Event times on the test server's clock, which runs ahead once time has been skipped.
    at = await engine.now()
    for _ in range(2):
        await engine.herald.put_event(Event(endpoint_id="active", event_type="login", timestamp=at))
    await engine.herald.put_event(Event(endpoint_id="lazy", event_type="login", timestamp=at))

    await engine.skip(timedelta(hours=1, minutes=1))
    assert engine.path(await engine.finish("logins", "active")) == ["first", "check", "y"]
    assert engine.path(await engine.finish("logins", "lazy")) == ["first", "check", "n"]


async def test_engagement_with_an_earlier_send(engine: Engine) -> None:
    steps = {
        "mail": {"type": "send", "template": "news", "next": "check"},
        "check": {
            "type": "split",
            "conditions": [{"kind": "engagement", "step": "mail", "engagement": "opened"}],
            "evaluation_wait": "P1D",
            "yes": "y",
            "no": "n",
        },
        "y": {"type": "exit"},
        "n": {"type": "exit"},
    }
    await engine.apply(
        endpoint("reader"), endpoint("ignorer"), template("news"), journey("news", "mail", steps)
    )
    for who in ("reader", "ignorer"):
        await engine.herald.enter("news", who)
        await engine.waiting("news", who, on="check")
    [message] = [m for m in await engine.outbox("news") if m.endpoint_id == "reader"]
    opened = Event(
        endpoint_id="reader",
        event_type="_email.open",
        attributes={"message_key": message.idempotency_key},
        timestamp=await engine.now(),
    )
    await engine.herald.put_event(opened)

    await engine.skip(timedelta(days=1, minutes=1))
    assert engine.path(await engine.finish("news", "reader")) == ["mail", "check", "y"]
    assert engine.path(await engine.finish("news", "ignorer")) == ["mail", "check", "n"]


async def test_multi_split_takes_the_first_matching_branch_else_else(engine: Engine) -> None:
    steps = {
        "route": {
            "type": "multi_split",
            "branches": [
                {
                    "conditions": [{"kind": "attribute", "name": "Lang", "values": ["fr"]}],
                    "next": "fr",
                },
                {
                    "conditions": [{"kind": "attribute", "name": "Lang", "values": ["de"]}],
                    "next": "de",
                },
            ],
            "else_next": "en",
        },
        "fr": {"type": "exit"},
        "de": {"type": "exit"},
        "en": {"type": "exit"},
    }
    people = [endpoint(f"p-{lang}", Attributes={"Lang": [lang]}) for lang in ("fr", "de", "es")]
    await engine.apply(*people, journey("langs", "route", steps))
    assert await engine.run_through("langs", "p-fr") == ["route", "fr"]
    assert await engine.run_through("langs", "p-de") == ["route", "de"]
    assert await engine.run_through("langs", "p-es") == ["route", "en"]


async def test_random_split_and_holdout_follow_their_percentages(engine: Engine) -> None:
    steps = {
        "hold": {"type": "holdout", "percent": 20, "next": "ab"},
        "ab": {
            "type": "random_split",
            "branches": [{"percent": 50, "next": "a"}, {"percent": 50, "next": "b"}],
        },
        "a": {"type": "exit"},
        "b": {"type": "exit"},
    }
    people = [endpoint(f"r{i:03}") for i in range(150)]
    await engine.apply(*people, journey("ab", "hold", steps))
    for person in people:
        await engine.herald.enter("ab", person["Id"])
    ends: Counter[str] = Counter()
    for person in people:
        result = await engine.finish("ab", person["Id"])
        ends[
            result.exit_reason if result.exit_reason == "holdout" else result.visits[-1].step_id
        ] += 1
    assert 15 <= ends["holdout"] <= 50, ends
    assert 35 <= ends["a"] <= 85 and 35 <= ends["b"] <= 85, ends
