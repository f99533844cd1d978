"""Every workflow the worker runs, in one list.

Kept out of the package's __init__: the sandbox re-imports a workflow's module for each new
run, and a package __init__ that imported every workflow made each journey participant
re-import the campaign, OTP and transactional workflows too.
"""

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
