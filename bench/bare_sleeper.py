"""The baseline worker of the memory benchmark: a bare workflow that sleeps on a timer.

`python -m bench.bare_sleeper ADDRESS QUEUE CACHE` runs a worker for it until terminated, with
Herald's workflow cache size passed in (nothing of Herald is imported here, so the process holds
only Temporal's own cost)."""

from __future__ import annotations

import asyncio
import sys
from datetime import timedelta

from temporalio import workflow
from temporalio.client import Client
from temporalio.common import SearchAttributeKey
from temporalio.worker import Worker

# Announced as Herald's participants announce a wait, so the benchmark counts both the same way.
WAITING_FOR = SearchAttributeKey.for_keyword("HeraldWaitingFor")


@workflow.defn(name="BenchSleeper")
class Sleeper:
    @workflow.run
    async def run(self, value: str) -> str:
        workflow.upsert_search_attributes([WAITING_FOR.value_set("timer")])
        await workflow.sleep(timedelta(days=1))
        return value


async def serve(address: str, queue: str, cache: int) -> None:
    client = await Client.connect(address)
    worker = Worker(client, task_queue=queue, workflows=[Sleeper], max_cached_workflows=cache)
    await worker.run()


if __name__ == "__main__":
    asyncio.run(serve(sys.argv[1], sys.argv[2], int(sys.argv[3])))
