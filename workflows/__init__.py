"""Temporal workflows: deterministic interpreters over Herald's models. No I/O here."""

from workflows.journey import JourneyWorkflow
from workflows.journey_run import JourneyRunWorkflow

WORKFLOWS = [JourneyWorkflow, JourneyRunWorkflow]

__all__ = ["WORKFLOWS", "JourneyRunWorkflow", "JourneyWorkflow"]
