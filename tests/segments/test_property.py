"""The compiled SQL means what the Python evaluator means, on SQLite and on PostgreSQL.

Hypothesis draws an audience (endpoints, users, events, messages, two base segments) and
segment trees over it; each tree's count and full member list (walked in small keyset pages)
must equal the evaluator's, with and without unreachable endpoints. Derandomized, so a run is
reproducible; HERALD_HYPOTHESIS_EXAMPLES raises the number of audiences for a longer hunt.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from herald.models import Segment
from herald.segments import count_members, page_members
from herald.store import Database
from tests.segments.evaluator import Evaluator
from tests.segments.strategies import segment, worlds
from tests.segments.world import NOW, World, load

EXAMPLES = int(os.environ.get("HERALD_HYPOTHESIS_EXAMPLES", "60"))
# Shrinking a failure on a real database takes minutes; the failing example is printed either
# way. HERALD_HYPOTHESIS_SHRINK=1 shrinks it to the smallest one when hunting a bug.
PHASES = [Phase.explicit, Phase.reuse, Phase.generate]
if os.environ.get("HERALD_HYPOTHESIS_SHRINK"):
    PHASES.append(Phase.shrink)
BASES = ["base-static", "base-dynamic"]


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    phases=PHASES,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(world=worlds(), trees=st.lists(segment("drawn", BASES), min_size=4, max_size=8))
async def test_sql_agrees_with_the_python_evaluator(
    database: Database, world: World, trees: list[Segment]
) -> None:
    await load(database, world, reset=True)
    expected = Evaluator(world, NOW)
    for tree in trees:
        for include_unreachable in (False, True):
            want = expected.members(tree, include_unreachable=include_unreachable)
            got = await _walk(database, tree, include_unreachable)
            assert set(got) == want, tree.model_dump(mode="json", exclude_defaults=True)
            assert len(got) == len(want), "a member appeared on two pages"
            async with database.session() as session:
                counted = await count_members(
                    session, tree, include_unreachable=include_unreachable, now=NOW
                )
            assert counted == len(want)


async def _walk(database: Database, segment: Segment, include_unreachable: bool) -> list[str]:
    """Every member, three at a time, so paging is exercised on every example."""
    found: list[str] = []
    while True:
        async with database.session() as session:
            page = await page_members(
                session,
                segment,
                after=found[-1] if found else "",
                limit=3,
                include_unreachable=include_unreachable,
                now=NOW,
            )
        found += page
        if len(page) < 3:
            return found
