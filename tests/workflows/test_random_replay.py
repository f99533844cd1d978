"""random_split and holdout take the same branch when replayed: a worker without a workflow
cache answers the `state` query by replaying each finished participant's history, and the
Replayer replays every history without nondeterminism."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Replayer

from herald.client import HeraldClient
from herald.models import JourneyResult, JourneyState
from herald.settings import Settings
from herald.store import Database
from tests.workflows.engine import Engine, endpoint, journey
from worker import build_worker
from worker.build import SANDBOX
from workflows.registry import WORKFLOWS

# Each end issues different workflow commands right after the roll (held out: the exit;
# `a`: an activity; `b`: a timer), so a replay that rolled differently could not match.
STEPS = {
    "first": {"type": "wait", "duration": "PT1H", "next": "hold"},
    "hold": {"type": "holdout", "percent": 30, "next": "ab"},
    "ab": {
        "type": "random_split",
        "branches": [{"percent": 50, "next": "a"}, {"percent": 50, "next": "b"}],
    },
    "a": {"type": "update", "set": {"Group": ["A"]}, "next": "nap"},
    "b": {"type": "wait", "duration": "PT1H", "next": "nap"},
    "nap": {"type": "wait", "duration": "PT1H"},
}
PEOPLE = [f"rr{i:02}" for i in range(30)]


def end(result: JourneyResult) -> str:
    return "holdout" if result.exit_reason == "holdout" else result.visits[3].step_id


async def test_rolls_replay_to_the_same_branch(
    time_skipping_env: WorkflowEnvironment, sqlite_database: Database, task_queue: str
) -> None:
    env = time_skipping_env
    settings = Settings(database_url=sqlite_database.url, task_queue=task_queue)
    herald = HeraldClient(settings, sqlite_database, env.client, clock=env.get_current_time)
    engine = Engine(env, herald)
    await engine.apply(*(endpoint(p) for p in PEOPLE), journey("rolls", "first", STEPS))
    async with build_worker(env.client, task_queue=task_queue, database=sqlite_database):
        for person in PEOPLE:
            await herald.enter("rolls", person)
        for person in PEOPLE:
            await engine.waiting("rolls", person, on="first")
        await engine.skip(timedelta(hours=3, minutes=5))
        results = {p: await engine.finish("rolls", p) for p in PEOPLE}
    ends = Counter(end(r) for r in results.values())
    assert set(ends) == {"holdout", "a", "b"}, (
        f"every end taken, so the check means something: {ends}"
    )
    grouped = set()
    for person in PEOPLE:
        found = await herald.get_endpoint(person)
        assert found is not None
        if found.attributes.get("Group") == ["A"]:
            grouped.add(person)
    assert grouped == {p for p in PEOPLE if end(results[p]) == "a"}, "only `a` ran the update"

    # No cache: the query replays the whole history in a fresh workflow instance.
    async with build_worker(
        env.client, task_queue=task_queue, database=sqlite_database, max_cached_workflows=0
    ):
        for person, result in results.items():
            replayed = await engine.handle("rolls", person).query("state", result_type=JourneyState)
            assert [v.step_id for v in replayed.visits] == engine.path(result), person
            assert [v.outcome for v in replayed.visits] == [v.outcome for v in result.visits]

    replayer = Replayer(
        workflows=WORKFLOWS, workflow_runner=SANDBOX, data_converter=pydantic_data_converter
    )
    for person in PEOPLE:
        history = await engine.handle("rolls", person).fetch_history()
        outcome = await replayer.replay_workflow(history, raise_on_replay_failure=False)
        assert outcome.replay_failure is None, (person, outcome.replay_failure)
