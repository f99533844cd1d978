"""Temporal workflows: deterministic interpreters over Herald's models. No I/O here."""

from workflows.campaign import CampaignWorkflow
from workflows.journey import JourneyWorkflow
from workflows.journey_run import JourneyRunWorkflow

WORKFLOWS = [JourneyWorkflow, JourneyRunWorkflow, CampaignWorkflow]

__all__ = ["WORKFLOWS", "CampaignWorkflow", "JourneyRunWorkflow", "JourneyWorkflow"]
