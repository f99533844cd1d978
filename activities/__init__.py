"""Temporal activities: thin adapters from workflows to `herald.*`, the only place with I/O."""

from activities.journey import JourneyActivities
from activities.send import SendActivities

__all__ = ["JourneyActivities", "SendActivities"]
