"""When a campaign's message may go to an endpoint: local-time delivery and quiet time.

Local time means the start's wall time in each endpoint's own timezone ("10:00 wherever you
are"). A run starts when that wall time first happens anywhere, at UTC+14, and defers each
endpoint to its own 10:00; an endpoint whose 10:00 has passed when the run reaches it is
sent at once.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from herald.journeys.policy import _blocked
from herald.journeys.waits import participant_zone
from herald.models import Endpoint
from herald.models.campaign import Campaign
from herald.models.send import SendPolicy

EARLIEST_ZONE = ZoneInfo("Etc/GMT-14")  # POSIX sign: this is UTC+14


def wall_time(instant: datetime, zone: str) -> datetime:
    """`instant` as a clock on the wall in `zone` shows it (naive)."""
    return instant.astimezone(ZoneInfo(zone)).replace(tzinfo=None)


def run_start(campaign: Campaign) -> datetime | None:
    """When a ONCE run starts; None: at once."""
    start = campaign.schedule.start_time
    if start is None:
        return None
    if not campaign.schedule.local_time:
        return start
    return wall_time(start, campaign.schedule.timezone).replace(tzinfo=EARLIEST_ZONE)


def local_send_time(campaign: Campaign, nominal: datetime, endpoint: Endpoint) -> datetime:
    """The run's wall time (kept in the UTC+14 frame) in the endpoint's own timezone."""
    wall = nominal.astimezone(EARLIEST_ZONE).replace(tzinfo=None)
    zone, _ = participant_zone(endpoint, campaign.schedule.timezone)
    return wall.replace(tzinfo=zone)


def quiet_until(
    campaign: Campaign, endpoint: Endpoint, channel: str, now: datetime
) -> tuple[str, datetime] | None:
    """(reason, when it ends) when `now` is in the endpoint's quiet time; journeys' rule."""
    if campaign.quiet_time is None:
        return None
    policy = SendPolicy(quiet_time=campaign.quiet_time, default_timezone=campaign.schedule.timezone)
    zone, _ = participant_zone(endpoint, policy.default_timezone)
    blocked = _blocked(policy, channel, now.astimezone(zone))
    return blocked[0] if blocked else None
