"""The one-time password activity: make and keep the code, then the ordinary send."""

from __future__ import annotations

from temporalio import activity
from temporalio.exceptions import ApplicationError

from activities.send import deliver_in_activity
from herald.channels import ChannelRegistry
from herald.models import SendResult
from herald.models.otp import SEND_OTP_ACTIVITY, OtpDelivery, OtpDestinationError
from herald.store import Database
from herald.transactional.otp_send import otp_send_request


class OtpActivities:
    def __init__(self, database: Database, channels: ChannelRegistry, pepper: bytes) -> None:
        self._database = database
        self._channels = channels
        self._pepper = pepper

    @activity.defn(name=SEND_OTP_ACTIVITY)
    async def send_otp(self, delivery: OtpDelivery) -> SendResult:
        try:
            request = await otp_send_request(self._database, delivery, self._pepper)
        except OtpDestinationError as exc:
            # Clients check the destination before starting the workflow; a workflow started
            # without that check must fail now, not be retried for the code's whole validity.
            raise ApplicationError(
                f"invalid address: {exc.reason}", type="PermanentSendError", non_retryable=True
            ) from exc
        return await deliver_in_activity(self._database, self._channels, request)
