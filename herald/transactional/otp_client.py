"""The one-time password half of `HeraldClient`: send a code, verify it."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime

from temporalio.common import WorkflowIDConflictPolicy, WorkflowIDReusePolicy
from temporalio.exceptions import WorkflowAlreadyStartedError

from herald.models.otp import (
    OTP_WORKFLOW,
    OtpRequest,
    OtpResponse,
    OtpVerification,
    otp_workflow_id,
)
from herald.models.transactional import RequestState
from herald.settings import Settings
from herald.store import Database
from herald.transactional.client import DEFAULT_WAIT, _Host
from herald.transactional.otp_codes import verify_code


class OtpMethods:
    database: Database
    settings: Settings

    async def send_otp(
        self: _Host, request: OtpRequest, *, wait: float = DEFAULT_WAIT
    ) -> OtpResponse:
        """Send a new code to `request.destination_identity` for `request.reference_id`
        (replacing the one sent to both before); PENDING with the request id if the provider
        has not taken it within `wait`. OtpDestinationError, and nothing sent, if the
        destination is not a phone number in E.164 form (SMS, VOICE) or an email address."""
        request = request.checked()
        request_id = request.request_id or uuid.uuid4().hex
        client = await self.temporal()
        workflow_id = otp_workflow_id(request_id)
        try:
            handle = await client.start_workflow(
                OTP_WORKFLOW,
                request,
                id=workflow_id,
                task_queue=self.settings.task_queue,
                result_type=OtpResponse,
                id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING,
                id_reuse_policy=WorkflowIDReusePolicy.REJECT_DUPLICATE,
                request_eager_start=True,
                static_summary=f"one-time password for {request.reference_id}",
            )
        except WorkflowAlreadyStartedError:
            handle = client.get_workflow_handle(workflow_id, result_type=OtpResponse)
        try:
            return await asyncio.wait_for(handle.result(), timeout=wait)
        except TimeoutError:
            return OtpResponse(
                request_id=request_id, reference_id=request.reference_id,
                state=RequestState.PENDING,
            )  # fmt: skip

    async def verify_otp(self: _Host, check: OtpVerification) -> bool:
        """True once for the live code of the destination and reference id; a wrong code
        uses one of its attempts; an expired or used-up code is never valid; a destination
        with no code under the reference id is not valid and uses no attempt."""
        secret = self.settings.otp_secret
        pepper = secret.get_secret_value().encode() if secret else b""
        async with self.database.session() as session:
            return await verify_code(session, check, pepper=pepper, now=datetime.now(UTC))
