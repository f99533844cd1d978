"""Metrics: journeys (entries, step funnel, exits), campaigns (treatments against the
holdout), deliveries and engagement by channel and day."""

from herald.metrics.campaign import campaign_metrics
from herald.metrics.journey import journey_metrics
from herald.metrics.models import CampaignMetrics, JourneyMetrics, MetricsNotFound

__all__ = [
    "CampaignMetrics",
    "JourneyMetrics",
    "MetricsNotFound",
    "campaign_metrics",
    "journey_metrics",
]
