"""Temporal workflows: deterministic interpreters over Herald's models. No I/O here."""

from workflows.campaign import CampaignWorkflow
from workflows.journey import JourneyWorkflow
from workflows.journey_run import JourneyRunWorkflow
from workflows.otp import OneTimePasswordWorkflow
from workflows.transactional import TransactionalMessagesWorkflow

WORKFLOWS = [
    JourneyWorkflow,
    JourneyRunWorkflow,
    TransactionalMessagesWorkflow,
    OneTimePasswordWorkflow,
    CampaignWorkflow,
]

__all__ = [
    "WORKFLOWS",
    "CampaignWorkflow",
    "JourneyRunWorkflow",
    "JourneyWorkflow",
    "OneTimePasswordWorkflow",
    "TransactionalMessagesWorkflow",
]
