"""Temporal workflows: deterministic interpreters over Herald's models. No I/O here."""

from workflows.journey import JourneyWorkflow

WORKFLOWS = [JourneyWorkflow]

__all__ = ["WORKFLOWS", "JourneyWorkflow"]
