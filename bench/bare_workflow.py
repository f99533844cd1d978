"""The baseline of the journey benchmark: a bare workflow running one activity.

Its own module with nothing but temporalio imported, as a sandboxed workflow should be."""

from __future__ import annotations

from datetime import timedelta

from temporalio import activity, workflow


@activity.defn(name="bench_noop")
async def noop(value: str) -> str:
    return value


@workflow.defn(name="BenchBareWorkflow")
class BareWorkflow:
    @workflow.run
    async def run(self, value: str) -> str:
        result: str = await workflow.execute_activity(
            noop, value, start_to_close_timeout=timedelta(seconds=30)
        )
        return result


@workflow.defn(name="BenchShapedWorkflow")
class ShapedWorkflow:
    """The journey's shape with nothing of Herald's: local activity, timer, local activity
    (a journey's sends run as local activities)."""

    @workflow.run
    async def run(self, value: str) -> str:
        timeout = timedelta(seconds=30)
        await workflow.execute_local_activity(noop, value, start_to_close_timeout=timeout)
        await workflow.sleep(timedelta(milliseconds=1))
        result: str = await workflow.execute_local_activity(
            noop, value, start_to_close_timeout=timeout
        )
        return result
