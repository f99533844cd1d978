"""Which treatment an endpoint gets: a stable hash of campaign and endpoint, so a retried
snapshot, a restarted worker and every recurring run put an endpoint in the same place."""

from __future__ import annotations

import hashlib

from herald.models.campaign import Campaign

BUCKETS = 10_000  # hundredths of a percent


def bucket(campaign: str, endpoint_id: str) -> int:
    digest = hashlib.sha256(f"{campaign}\x00{endpoint_id}".encode()).digest()
    return int.from_bytes(digest[:8], "big") % BUCKETS


def assign(campaign: Campaign, endpoint_id: str, *, reachable: bool = True) -> str | None:
    """The endpoint's treatment name, or None when it falls in the holdout.

    An endpoint that cannot be sent to (opted out) is never held out: the holdout measures
    people a treatment could have reached. Its bucket is spread over the treatments alone,
    and the run records it as skipped there, with the reason."""
    point = bucket(campaign.name, endpoint_id)
    edge = campaign.holdout_percent * BUCKETS // 100
    if not reachable:
        point = edge + point * (BUCKETS - edge) // BUCKETS
    if point < edge:
        return None
    for name, percent in campaign.shares():
        edge += percent * BUCKETS // 100
        if point < edge:
            return name
    return campaign.treatment_name  # not reached: holdout and shares add up to 100%
