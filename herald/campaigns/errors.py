"""Errors a campaign run cannot retry its way out of; each says what to fix."""


class CampaignError(ValueError):
    """The campaign cannot run (or be controlled) as asked; the message says why."""
