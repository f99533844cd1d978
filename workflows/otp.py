"""OneTimePasswordWorkflow: one code sent now, id `otp:{request_id}`, retried through a
provider outage for as long as the code would be valid."""

from __future__ import annotations

from datetime import timedelta

from temporalio import workflow
from temporalio.exceptions import ActivityError

with workflow.unsafe.imports_passed_through():
    from herald.models import SendResult
    from herald.models.otp import (
        OTP_WORKFLOW,
        SEND_OTP_ACTIVITY,
        OtpDelivery,
        OtpRequest,
        OtpResponse,
    )
    from herald.models.transactional import Delivery, RequestState, recipient_result

from workflows.steps.policies import SEND_RETRY, SEND_TIMEOUT


@workflow.defn(name=OTP_WORKFLOW)
class OneTimePasswordWorkflow:
    @workflow.run
    async def run(self, request: OtpRequest) -> OtpResponse:
        key = f"{workflow.info().workflow_id}:0"
        # Only for the result's shape: the code is made in the activity.
        delivery = Delivery(
            recipient=request.destination_identity, kind="address",
            channel=request.channel, endpoint_id=request.destination_identity[:200],
            template=request.template or "otp",
        )  # fmt: skip
        workflow.set_current_details(f"**sending** a code for {request.reference_id}")
        try:
            sent: SendResult = await workflow.execute_activity(
                SEND_OTP_ACTIVITY,
                OtpDelivery(idempotency_key=key, request=request),
                result_type=SendResult,
                start_to_close_timeout=SEND_TIMEOUT,
                schedule_to_close_timeout=timedelta(minutes=request.validity_minutes),
                retry_policy=SEND_RETRY,
                summary=f"{request.channel} code for {request.reference_id}",
            )
            result = recipient_result(delivery, key, sent)
        except ActivityError as exc:
            result = recipient_result(delivery, key, None, str(exc.cause or exc))
        return OtpResponse(
            request_id=workflow.info().workflow_id.removeprefix("otp:"),
            reference_id=request.reference_id,
            state=RequestState.COMPLETE,
            result=result,
        )
