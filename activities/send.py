"""The send activity: `herald.delivery.deliver` with its errors mapped for Temporal."""

from __future__ import annotations

from datetime import timedelta

from temporalio import activity
from temporalio.exceptions import ApplicationError

from herald.channels import ChannelRegistry
from herald.delivery import EndpointMissing, PermanentSendError, RetryableSendError, deliver
from herald.models import SEND_ACTIVITY, SendRequest, SendResult
from herald.models.journey_progress import PARTICIPANT_GONE
from herald.store import Database
from herald.user_delivery import deliver_to_user


class SendActivities:
    def __init__(self, database: Database, channels: ChannelRegistry) -> None:
        self._database = database
        self._channels = channels

    @activity.defn(name=SEND_ACTIVITY)
    async def send_message(self, request: SendRequest) -> SendResult:
        return await deliver_in_activity(self._database, self._channels, request)


async def deliver_in_activity(
    database: Database, channels: ChannelRegistry, request: SendRequest
) -> SendResult:
    """`deliver` (to an endpoint, or to each of a user's endpoints), its errors raised as
    Temporal application errors."""
    try:
        if request.participant == "user":
            return await deliver_to_user(database, channels, request)
        return await deliver(database, channels, request)
    except EndpointMissing as exc:
        if request.journey is None:
            raise ApplicationError(str(exc), type="PermanentSendError", non_retryable=True) from exc
        # It entered the journey, so it existed: deleted since, it leaves the journey.
        gone = f"endpoint {exc.endpoint_id!r} does not exist"
        raise ApplicationError(gone, type=PARTICIPANT_GONE, non_retryable=True) from exc
    except PermanentSendError as exc:
        # Non-retryable: a person must fix the definition or the data; retrying in a
        # loop would only hide that. The message shows in the Temporal UI.
        raise ApplicationError(str(exc), type="PermanentSendError", non_retryable=True) from exc
    except RetryableSendError as exc:
        # The provider's Retry-After (or the throttle's next slot) replaces the policy's
        # backoff for this one retry; without it the backoff applies.
        delay = timedelta(seconds=exc.retry_after) if exc.retry_after else None
        raise ApplicationError(str(exc), type="RetryableSendError", next_retry_delay=delay) from exc
