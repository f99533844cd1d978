"""Temporal activities: thin adapters from workflows to `herald.*`, the only place with I/O."""

from activities.send import SendActivities

__all__ = ["SendActivities"]
