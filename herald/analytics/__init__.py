"""Engagement analytics: event names and recording (streams and metrics come later)."""

from herald.analytics.event_names import SEND_EVENT
from herald.analytics.record import record_send

__all__ = ["SEND_EVENT", "record_send"]
