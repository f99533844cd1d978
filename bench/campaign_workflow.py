"""The design campaigns do not use, for the campaign benchmark: one workflow per endpoint,
each running Herald's send activity once. Only temporalio and models imported."""

from __future__ import annotations

from datetime import timedelta

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from herald.models import SEND_ACTIVITY, SendRequest, SendResult


@workflow.defn(name="BenchPerEndpointWorkflow")
class PerEndpointWorkflow:
    @workflow.run
    async def run(self, request: SendRequest) -> SendResult:
        result: SendResult = await workflow.execute_activity(
            SEND_ACTIVITY,
            request,
            result_type=SendResult,
            start_to_close_timeout=timedelta(seconds=60),
        )
        return result
