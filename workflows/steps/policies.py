"""Timeouts and retries for the activities steps call."""

from __future__ import annotations

from datetime import timedelta

from temporalio.common import RetryPolicy

SEND_TIMEOUT = timedelta(seconds=60)
LOOKUP_TIMEOUT = timedelta(seconds=30)

# Provider and database outages are retried for as long as the journey lives (backoff capped
# at 10 minutes); errors a person must fix are raised non-retryable by the activity itself.
SEND_RETRY = RetryPolicy(
    initial_interval=timedelta(seconds=1),
    backoff_coefficient=2.0,
    maximum_interval=timedelta(minutes=10),
)
LOOKUP_RETRY = SEND_RETRY
