"""A Pinpoint WriteCampaignRequest as a Herald Campaign: segment, messages (templates or
inline, Handlebars translated: campaign_messages.py), schedule, treatments, holdout, limits,
quiet time. What would change who gets what, or when, and has no translation (a paused
campaign, a Lambda hook, an event filter Herald would narrow) is refused at its JSON path."""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from herald.models import Definition
from herald.models.campaign import Campaign
from herald.models.zones import temporal_zone
from herald.pinpoint.campaign_messages import messages
from herald.pinpoint.journey_parts import event_filter, get, resource_name
from herald.pinpoint.journey_timing import TIMEZONES, instant
from herald.pinpoint.registry import PinpointImportError
from herald.pinpoint.request_types import read_request

# Pinpoint's Frequency values Herald runs (its CRON has no Pinpoint counterpart).
FREQUENCIES = ("ONCE", "HOURLY", "DAILY", "WEEKLY", "MONTHLY", "EVENT")
# Pinpoint's offsets with minutes, as the IANA zones that keep them all year. The rest
# (UTC-03:30, UTC-02:30, UTC+10:30, UTC+12:45, UTC+13:45) are the standard and the summer
# time of places with daylight saving time: Pinpoint listed both because each is a fixed
# offset, so they stay fixed offsets (a city zone would move them an hour half the year).
ODD_OFFSETS = {
    "+03:30": "Asia/Tehran", "+04:30": "Asia/Kabul", "+05:30": "Asia/Kolkata",
    "+05:45": "Asia/Kathmandu", "+06:30": "Asia/Yangon", "+08:45": "Australia/Eucla",
    "+09:30": "Australia/Darwin", "-09:30": "Pacific/Marquesas",
}  # fmt: skip


def translate_campaign(document: Any, name: str) -> list[Definition]:
    """The campaign (a WriteCampaignRequest, or `get-campaign`'s CampaignResponse, bare or
    in its wrapper), or PinpointImportError listing every problem, one a line."""
    document, problems = read_request(document, "WriteCampaignRequest", "CampaignResponse")
    if problems:
        raise PinpointImportError("\n".join(problems))
    if not document.get("SegmentId"):
        raise PinpointImportError("$.SegmentId: required (the segment the campaign sends to)")
    _refuse_unsupported(document)
    doc: dict[str, Any] = {
        "kind": "Campaign",
        "name": name,
        "description": document.get("Description") or "",
        "segment": resource_name(document["SegmentId"], "$.SegmentId"),
        "segment_version": document.get("SegmentVersion"),
        "treatment_name": resource_name(document.get("TreatmentName") or "default", "$"),
        "messages": messages(document, "$"),
        "holdout_percent": document.get("HoldoutPercent") or 0,
    }
    schedule = get(document, "Schedule", "$") or {}
    doc["schedule"] = _schedule(schedule, "$.Schedule")
    doc["treatments"] = [
        treatment(t, f"$.AdditionalTreatments.{i}", schedule)
        for i, t in enumerate(get(document, "AdditionalTreatments", "$", list) or [])
    ]
    if quiet := get(schedule, "QuietTime", "$.Schedule"):
        # Pinpoint does not hold campaign messages for quiet time: it leaves them out.
        doc["quiet_time"] = {"start": quiet.get("Start"), "end": quiet.get("End"), "mode": "skip"}
    doc["limits"] = _limits(get(document, "Limits", "$") or {})
    if document.get("Priority") is not None:
        doc["priority"] = document["Priority"]
    try:
        return [Campaign.model_validate({k: v for k, v in doc.items() if v is not None})]
    except ValidationError as exc:
        raise PinpointImportError("\n".join(_translated(exc))) from None


def _refuse_unsupported(document: dict[str, Any]) -> None:
    """What would send to other endpoints, or at another time, than Pinpoint would."""
    if document.get("IsPaused"):
        # A Herald campaign has no paused definition: applied, it runs (or is scheduled).
        raise PinpointImportError(
            "$.IsPaused: true does not translate: a Herald campaign starts when applied; "
            "remove IsPaused and apply the campaign when it should send (write it with --out "
            "to apply later), or give it a StartTime ahead and `herald campaigns pause` it"
        )
    _refuse_custom_delivery(document, "$")
    hook = get(document, "Hook", "$") or {}
    if given := {k: v for k, v in hook.items() if v not in (None, "")}:
        described = ", ".join(f"{k} {v}" for k, v in given.items())
        raise PinpointImportError(
            f"$.Hook: a Lambda hook ({described}) cannot run in Herald; put the endpoints a "
            "FILTER hook keeps in the segment (SegmentId), send what a DELIVERY hook "
            "delivered through the CUSTOM channel, and remove Hook"
        )


def _refuse_custom_delivery(node: dict[str, Any], path: str) -> None:
    """Pinpoint delivers such a campaign (or treatment) to a Lambda or web address of its
    own; dropped, Herald would send the messages to the endpoints instead."""
    custom = get(node, "CustomDeliveryConfiguration", path) or {}
    if uri := custom.get("DeliveryUri"):
        raise PinpointImportError(
            f"{path}.CustomDeliveryConfiguration: custom delivery to {uri} does not translate; "
            "a Herald campaign sends through its channels' providers (a journey's webhook "
            "step calls a web address per participant); remove CustomDeliveryConfiguration"
        )


def _translated(exc: ValidationError) -> list[str]:
    """Each of the translated campaign's problems, at its Herald path."""
    problems = []
    for error in exc.errors(include_url=False):
        where = ".".join(str(p) for p in error["loc"]) or "(campaign)"
        problems.append(f"$: translated {where}: {str(error['msg']).removeprefix('Value error, ')}")
    return problems


def treatment(node: dict[str, Any], path: str, campaign_schedule: dict[str, Any]) -> dict[str, Any]:
    _refuse_custom_delivery(node, path)
    out = {
        "name": resource_name(node.get("TreatmentName") or path.rsplit(".", 1)[-1], path),
        "description": node.get("TreatmentDescription") or "",
        "size_percent": node.get("SizePercent") or 0,
        "messages": messages(node, path),
    }
    own = get(node, "Schedule", path) or {}
    # Pinpoint's console copies the campaign's schedule into each treatment: that one is
    # the campaign's and says nothing of its own.
    if own and own != campaign_schedule:
        out["schedule"] = treatment_schedule(own, campaign_schedule, f"{path}.Schedule")
    return out


def treatment_schedule(
    own: dict[str, Any], campaign_schedule: dict[str, Any], path: str
) -> dict[str, Any]:
    """A treatment's Schedule: its time, end, local time, timezone and quiet time within the
    campaign's runs; a Frequency other than the campaign's cannot be."""
    frequency = own.get("Frequency") or "ONCE"
    if frequency != (campaign_schedule.get("Frequency") or "ONCE"):
        raise PinpointImportError(
            f"{path}.Frequency: {frequency} is not the campaign's "
            f"{campaign_schedule.get('Frequency') or 'ONCE'}; a treatment is sent in the "
            "campaign's runs (give the campaign's Frequency)"
        )
    if frequency == "EVENT":
        raise PinpointImportError(
            f"{path}: an EVENT campaign's treatments are sent when the event comes; "
            "remove the treatment's own Schedule"
        )
    # A time without an offset is read in the treatment's Timezone, else the campaign's.
    full = _schedule(own, path, zone(campaign_schedule.get("Timezone") or "UTC"))
    out = {k: full[k] for k in ("start_time", "end_time") if full[k] is not None}
    if own.get("Timezone"):  # unset: the campaign's
        out["timezone"] = full["timezone"]
    if own.get("IsLocalTime") is not None:
        out["local_time"] = full["local_time"]
    if quiet := get(own, "QuietTime", path):
        out["quiet_time"] = {"start": quiet.get("Start"), "end": quiet.get("End"), "mode": "skip"}
    return out


def _schedule(schedule: dict[str, Any], path: str, default_zone: str = "UTC") -> dict[str, Any]:
    """A Pinpoint Schedule at `path`; a time without an offset is read in its Timezone
    (`default_zone` when it has none), as Pinpoint reads it, not in the server's zone."""
    frequency = _frequency(schedule, path)
    timezone = (
        zone(schedule["Timezone"], f"{path}.Timezone") if schedule.get("Timezone") else default_zone
    )
    immediate = schedule.get("StartTime") in (None, "IMMEDIATE")
    out: dict[str, Any] = {
        "frequency": frequency,
        "start_time": None if immediate else instant(schedule, "StartTime", timezone, path),
        "end_time": instant(schedule, "EndTime", timezone, path),
        "local_time": bool(schedule.get("IsLocalTime")),
        "timezone": timezone,
    }
    if frequency == "EVENT":
        out["event"] = _event(schedule, path)
    return out


def _frequency(schedule: dict[str, Any], path: str) -> str:
    frequency = str(schedule.get("Frequency") or "ONCE")
    if frequency in FREQUENCIES:
        return frequency
    why = ""
    if frequency == "IN_APP_EVENT":
        why = (
            " (Herald's in-app messages wait in each endpoint's inbox for the app to fetch; "
            "EVENT puts one there when the event reaches Herald)"
        )
    raise PinpointImportError(
        f"{path}.Frequency: {frequency} does not translate; allowed: {', '.join(FREQUENCIES)}" + why
    )


def zone(value: str, path: str = "$.Schedule.Timezone") -> str:
    """Pinpoint's `UTC`, `UTC+01`, `UTC+05:30` as an IANA zone name, or as the fixed offset
    it is where no IANA zone keeps it all year (`UTC-03:30`)."""
    if value in ("UTC", "GMT"):
        return "UTC"
    offset = value.removeprefix("UTC").removeprefix("GMT")
    if offset in ODD_OFFSETS:
        return ODD_OFFSETS[offset]
    sign, hours = offset[:1], offset[1:].removesuffix(":00")
    if sign in "+-" and hours.isdigit() and int(hours) <= 14:
        whole = temporal_zone(f"UTC{sign}{int(hours):02d}")  # UTC+01 is Etc/GMT-1
        assert whole is not None  # an offset of whole hours always has an IANA name
        return whole
    if "/" in value:
        return value  # already an IANA name
    if f"UTC{offset}" in TIMEZONES:
        return f"UTC{offset}"
    raise PinpointImportError(
        f"{path}: {value!r} is not a timezone; allowed: {', '.join(TIMEZONES)} (Pinpoint's), "
        "or an IANA name such as Europe/Paris"
    )


def _event(schedule: dict[str, Any], path: str) -> dict[str, Any]:
    """An EVENT campaign's EventFilter, as the journey import reads an event start: what
    Herald would narrow or invert (EXCLUSIVE, several values, Metrics) is refused."""
    here = f"{path}.EventFilter"
    dimensions = get(get(schedule, "EventFilter", path) or {}, "Dimensions", here) or {}
    event_type, attributes = event_filter(dimensions, f"{here}.Dimensions")
    return {"event_type": event_type, "attributes": attributes}


def _limits(limits: dict[str, Any]) -> dict[str, Any]:
    out = {
        "daily": limits.get("Daily") or None,
        "total": limits.get("Total") or None,
        "messages_per_second": limits.get("MessagesPerSecond") or None,
        "maximum_duration": limits.get("MaximumDuration") or None,  # seconds
    }
    return {k: v for k, v in out.items() if v is not None}
