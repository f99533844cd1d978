"""A/B treatments and the holdout on 10,000 endpoints: proportions within statistical bounds,
every member sent exactly once (or held out and recorded), the treatment in the message log."""

from __future__ import annotations

import math

from herald.store import Database
from tests.campaigns.harness import (
    SEGMENT,
    TEMPLATE,
    add_endpoints,
    assignment_sizes,
    campaign,
    finished,
    message_counts,
    outbox_per_endpoint,
    unique,
)
from tests.workflows.engine import Engine

N = 10_000


def within(observed: int, share: float, n: int = N) -> bool:
    """Inside five standard deviations of a binomial(n, share): fails by chance ~1 in 3M."""
    sd = math.sqrt(n * share * (1 - share))
    return abs(observed - n * share) <= 5 * sd


async def test_treatments_and_holdout_split_10000_endpoints(
    engine: Engine, sqlite_database: Database
) -> None:
    await add_endpoints(sqlite_database, N)
    name = unique()
    b_message = {"channel": "EMAIL", "inline": {"subject": "B for {{ Id }}", "text": "b"}}
    await engine.apply(
        SEGMENT,
        TEMPLATE,
        campaign(
            name,
            holdout_percent=10,
            treatments=[{"name": "b", "size_percent": 30, "messages": [b_message]}],
            batch_size=2000,
        ),
    )
    progress = await finished(engine, name)
    sizes = await assignment_sizes(sqlite_database, name)
    assert sum(sizes.values()) == N
    assert within(sizes["holdout"], 0.10)
    assert within(sizes["b"], 0.30)
    assert within(sizes["default"], 0.60)
    counts = await message_counts(sqlite_database, name)
    assert counts == {("SENT", "default"): sizes["default"], ("SENT", "b"): sizes["b"]}
    assert progress.counts.sent == N - sizes["holdout"]
    per_endpoint = await outbox_per_endpoint(sqlite_database, f"campaign:{name}:")
    assert len(per_endpoint) == N - sizes["holdout"] and set(per_endpoint.values()) == {1}
