"""The baseline of reply latency: a workflow waits for a signal, then runs one activity that
notes when it started. Herald's reply path adds the webhook, routing and the send step."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from temporalio import activity, workflow
from temporalio.common import RetryPolicy


@activity.defn(name="BenchStarted")
async def started() -> datetime:
    return datetime.now(UTC)


@workflow.defn(name="BenchSignalled")
class SignalledWorkflow:
    def __init__(self) -> None:
        self._replied = False

    @workflow.run
    async def run(self) -> datetime:
        await workflow.wait_condition(lambda: self._replied)
        result: datetime = await workflow.execute_activity(
            started,
            start_to_close_timeout=timedelta(seconds=30),
            retry_policy=RetryPolicy(maximum_attempts=3),
            summary="note the start",
        )
        return result

    @workflow.signal(name="reply")
    def reply(self) -> None:
        self._replied = True
