"""What happens to one endpoint of a batch: send (rendered), skip, fail, or wait until a time.

Pure: everything it needs was loaded for the whole batch first (see `batch`).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from herald.campaigns.timing import local_send_time, quiet_until, treatment_send_time
from herald.models import Endpoint, OutgoingMessage, Template
from herald.models.campaign import Campaign, CampaignMessage
from herald.templates import TemplateRenderError, render_message


@dataclass(frozen=True)
class Resolved:
    """A treatment's message for one channel, its template loaded (or why it cannot be)."""

    message: CampaignMessage
    template: Template | None
    version: int | None
    problem: str | None = None


@dataclass(frozen=True)
class Decision:
    endpoint_id: str
    treatment: str
    resolved: Resolved | None = None
    outgoing: OutgoingMessage | None = None
    skip: str | None = None
    fail: str | None = None
    wait_until: datetime | None = None


@dataclass(frozen=True)
class Known:
    """What the batch loaded about its endpoints."""

    endpoints: dict[str, Endpoint]
    suppressed: dict[tuple[str, str], str]  # (channel, address) -> reason
    sent_total: dict[str, int]
    sent_today: dict[str, int]
    messages: dict[tuple[str, str], Resolved]  # (treatment, channel) -> message


def decide(
    campaign: Campaign,
    known: Known,
    endpoint_id: str,
    treatment: str,
    *,
    key: str,
    nominal: datetime,
    now: datetime,
) -> Decision:
    endpoint = known.endpoints.get(endpoint_id)
    if endpoint is None:
        return Decision(endpoint_id, treatment, fail="the endpoint was deleted after the snapshot")
    channel = endpoint.channel_type.family.value
    resolved = known.messages.get((treatment, channel))
    base = Decision(endpoint_id, treatment, resolved=resolved)
    if skip := _unreachable(campaign, known, endpoint, treatment, resolved):
        return replace(base, skip=skip)
    assert resolved is not None
    if resolved.problem or resolved.template is None:
        return replace(base, fail=resolved.problem)
    if waiting := _not_yet(campaign, base, endpoint, nominal, now):
        return waiting
    if quiet := quiet_until(campaign, endpoint, channel, now, treatment):
        reason, until = quiet
        rule = campaign.quiet_time_of(treatment)
        if rule and rule.mode == "skip":
            return replace(base, skip=reason)
        return replace(base, wait_until=until)
    try:
        content = render_message(
            resolved.template,
            endpoint,
            substitutions=resolved.message.substitutions,
            campaign={"Name": campaign.name, "TreatmentId": treatment},
        )
    except TemplateRenderError as exc:
        return replace(base, fail=str(exc))
    if campaign.priority is not None and content.in_app is not None:
        in_app = content.in_app.model_copy(update={"priority": campaign.priority})
        content = content.model_copy(update={"in_app": in_app})
    outgoing = OutgoingMessage(
        idempotency_key=key,
        channel=endpoint.channel_type.family,
        endpoint_id=endpoint.id,
        address=endpoint.address,
        content=content,
        campaign=campaign.name,
        channel_type=endpoint.channel_type,
    )
    return replace(base, outgoing=outgoing)


def _not_yet(
    campaign: Campaign, base: Decision, endpoint: Endpoint, nominal: datetime, now: datetime
) -> Decision | None:
    """Wait for the endpoint's time (its treatment's own, or the campaign's local time), or
    skip it when the treatment's schedule ends first; None: its time has come."""
    own = campaign.schedule_of(base.treatment)
    if own is not None:
        due = treatment_send_time(campaign, own, nominal, endpoint)
        if own.end_time is not None and max(due, now) >= own.end_time:
            ended = own.end_time.isoformat()
            return replace(base, skip=f"treatment {base.treatment!r} schedule ended at {ended}")
    elif campaign.schedule.local_time:
        due = local_send_time(campaign, nominal, endpoint)
    else:
        return None
    return replace(base, wait_until=due) if due > now else None


def _unreachable(
    campaign: Campaign,
    known: Known,
    endpoint: Endpoint,
    treatment: str,
    resolved: Resolved | None,
) -> str | None:
    """Why nothing is sent to this endpoint at all (the same words as journey sends)."""
    channel = endpoint.channel_type.family.value
    if endpoint.opt_out != "NONE":
        return "endpoint opted out"
    if endpoint.endpoint_status != "ACTIVE":
        return "endpoint inactive"
    if resolved is None:
        return f"treatment {treatment!r} has no {channel} message"
    if reason := known.suppressed.get((channel, endpoint.address)):
        return f"address suppressed on {channel}: {reason}"
    limits = campaign.limits
    if limits.total and known.sent_total.get(endpoint.id, 0) >= limits.total:
        return f"total cap reached ({limits.total} message(s))"
    if limits.daily and known.sent_today.get(endpoint.id, 0) >= limits.daily:
        return f"daily cap reached ({limits.daily} message(s))"
    return None
