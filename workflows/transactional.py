"""TransactionalMessagesWorkflow: one accepted request, sent now, each recipient at once.

Its id is `message:{request_id}`, so a repeated request finds this run instead of sending
again; each message's idempotency key is the workflow id and the recipient's place in the
plan, so a retried activity never sends twice. A provider outage is retried with backoff for
up to a day; then, like any error a person must fix, it is that recipient's FAILED result.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta

from temporalio import workflow
from temporalio.exceptions import ActivityError

with workflow.unsafe.imports_passed_through():
    from herald.models import SEND_ACTIVITY, SendRequest, SendResult
    from herald.models.transactional import (
        MESSAGE_WORKFLOW,
        RECORD_RESULTS_ACTIVITY,
        Delivery,
        MessagePlan,
        MessageResponse,
        RecipientResult,
        RequestState,
        recipient_result,
    )

from workflows.steps.policies import LOOKUP_RETRY, LOOKUP_TIMEOUT, SEND_RETRY, SEND_TIMEOUT

# A transactional message (a code, a receipt) that could not go out within a day is stale.
GIVE_UP_AFTER = timedelta(days=1)


@workflow.defn(name=MESSAGE_WORKFLOW)
class TransactionalMessagesWorkflow:
    @workflow.run
    async def run(self, plan: MessagePlan) -> MessageResponse:
        count = len(plan.deliveries)
        workflow.set_current_details(f"**sending** {count} messages of request {plan.request_id}")
        sent = await asyncio.gather(*(self._send(i, d) for i, d in enumerate(plan.deliveries)))
        results = [*sent, *plan.settled]
        await workflow.execute_activity(
            RECORD_RESULTS_ACTIVITY,
            MessageResponse(
                request_id=plan.request_id, state=RequestState.COMPLETE, results=results
            ),
            start_to_close_timeout=LOOKUP_TIMEOUT,
            retry_policy=LOOKUP_RETRY,
            summary=f"record {len(results)} results",
        )
        accepted = sum(r.status == "ACCEPTED" for r in results)
        workflow.set_current_details(f"**done**: {accepted} of {len(results)} accepted")
        return MessageResponse(
            request_id=plan.request_id, state=RequestState.COMPLETE, results=results
        )

    async def _send(self, n: int, delivery: Delivery) -> RecipientResult:
        key = f"{workflow.info().workflow_id}:{n}"
        request = SendRequest(
            idempotency_key=key,
            endpoint_id=delivery.endpoint_id,
            channel=delivery.channel,
            template=delivery.template,
            template_version=delivery.template_version,
            substitutions=delivery.substitutions,
            endpoint=delivery.endpoint,
            content=delivery.content,
            at=workflow.now(),
        )
        try:
            result: SendResult = await workflow.execute_activity(
                SEND_ACTIVITY,
                request,
                result_type=SendResult,
                start_to_close_timeout=SEND_TIMEOUT,
                schedule_to_close_timeout=GIVE_UP_AFTER,
                retry_policy=SEND_RETRY,
                summary=f"{delivery.channel.value} '{delivery.template}' to {delivery.recipient}",
            )
        except ActivityError as exc:
            cause = exc.cause
            return recipient_result(delivery, key, None, str(cause or exc))
        return recipient_result(delivery, key, result)
