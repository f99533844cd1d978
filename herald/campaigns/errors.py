"""Errors a campaign run cannot retry its way out of; each says what to fix."""


class CampaignError(ValueError):
    """The campaign cannot run (or be controlled) as asked; the message says why."""


class CampaignNotFound(CampaignError):
    """No campaign has that name (the API answers 404, not the 409 of a refusal)."""
