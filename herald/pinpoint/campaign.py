"""A Pinpoint WriteCampaignRequest as a Herald Campaign: segment, messages (templates or
inline, Handlebars translated), schedule, treatments, holdout, limits, quiet time."""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from herald.models import Definition
from herald.models.campaign import Campaign
from herald.models.zones import temporal_zone
from herald.pinpoint.handlebars import to_jinja
from herald.pinpoint.journey_parts import get, resource_name
from herald.pinpoint.journey_timing import TIMEZONES
from herald.pinpoint.registry import PinpointImportError
from herald.pinpoint.request_types import read_request

TEMPLATES = {
    "EmailTemplate": "EMAIL",
    "SMSTemplate": "SMS",
    "PushTemplate": "PUSH",
    "VoiceTemplate": "VOICE",
    "InAppTemplate": "IN_APP",
}
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
    doc["treatments"] = [
        treatment(t, f"$.AdditionalTreatments[{i}]", schedule)
        for i, t in enumerate(get(document, "AdditionalTreatments", "$", list) or [])
    ]
    doc["schedule"] = _schedule(schedule, "$.Schedule")
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


def _translated(exc: ValidationError) -> list[str]:
    """Each of the translated campaign's problems, at its Herald path."""
    problems = []
    for error in exc.errors(include_url=False):
        where = ".".join(str(p) for p in error["loc"]) or "(campaign)"
        problems.append(f"$: translated {where}: {str(error['msg']).removeprefix('Value error, ')}")
    return problems


def treatment(node: dict[str, Any], path: str, campaign_schedule: dict[str, Any]) -> dict[str, Any]:
    out = {
        "name": resource_name(node.get("TreatmentName") or path.rsplit("[", 1)[-1], path),
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
    full = _schedule(own, path)
    out = {k: full[k] for k in ("start_time", "end_time") if full[k] is not None}
    if own.get("Timezone"):  # unset: the campaign's
        out["timezone"] = full["timezone"]
    if own.get("IsLocalTime") is not None:
        out["local_time"] = full["local_time"]
    if quiet := get(own, "QuietTime", path):
        out["quiet_time"] = {"start": quiet.get("Start"), "end": quiet.get("End"), "mode": "skip"}
    return out


def messages(node: dict[str, Any], path: str) -> list[dict[str, Any]]:
    out = []
    templates = get(node, "TemplateConfiguration", path) or {}
    for key, channel in TEMPLATES.items():
        if ref := get(templates, key, f"{path}.TemplateConfiguration"):
            message: dict[str, Any] = {
                "channel": channel,
                "template": resource_name(ref.get("Name") or "", f"{path}.{key}"),
            }
            if ref.get("Version") and str(ref["Version"]).isdigit():
                message["template_version"] = int(ref["Version"])
            out.append(message)
    configured = get(node, "MessageConfiguration", path) or {}
    out += [m for m in _inline(configured, f"{path}.MessageConfiguration") if m["channel"]
            not in {o["channel"] for o in out}]  # fmt: skip
    if not out:
        raise PinpointImportError(
            f"{path}: needs TemplateConfiguration or MessageConfiguration with a message"
        )
    return out


def _inline(config: dict[str, Any], path: str) -> list[dict[str, Any]]:
    found = []
    if email := get(config, "EmailMessage", path):
        part = {"subject": email.get("Title"), "text": email.get("Body")}
        part["html"] = email.get("HtmlBody")
        inline = {k: to_jinja(v, html=k == "html") for k, v in part.items() if v}
        if email.get("FromAddress"):
            inline["from_address"] = email["FromAddress"]
        found.append({"channel": "EMAIL", "inline": inline})
    if sms := get(config, "SMSMessage", path):
        inline = {"body": to_jinja(sms.get("Body") or "", html=False)}
        if sms.get("MessageType"):
            inline["message_type"] = sms["MessageType"]
        found.append({"channel": "SMS", "inline": inline})
    push = get(config, "DefaultMessage", path) or get(config, "GCMMessage", path)
    push = push or get(config, "APNSMessage", path)
    if push:
        inline = {
            k: to_jinja(push[p], html=False)
            for k, p in (("title", "Title"), ("body", "Body"))
            if push.get(p)
        }
        found.append({"channel": "PUSH", "inline": inline})
    for unsupported in ("BaiduMessage", "ADMMessage", "CustomMessage", "InAppMessage"):
        if config.get(unsupported):
            raise PinpointImportError(
                f"{path}.{unsupported}: not translated; use a template "
                "(TemplateConfiguration) for this channel"
            )
    return found


def _schedule(schedule: dict[str, Any], path: str) -> dict[str, Any]:
    frequency = schedule.get("Frequency") or "ONCE"
    out: dict[str, Any] = {
        "frequency": frequency,
        "start_time": None
        if schedule.get("StartTime") in (None, "IMMEDIATE")
        else schedule["StartTime"],
        "end_time": schedule.get("EndTime"),
        "local_time": bool(schedule.get("IsLocalTime")),
        "timezone": zone(schedule.get("Timezone") or "UTC", f"{path}.Timezone"),
    }
    if frequency == "EVENT":
        out["event"] = _event(get(schedule, "EventFilter", path) or {})
    return out


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


def _event(event_filter: dict[str, Any]) -> dict[str, Any]:
    dims = get(event_filter, "Dimensions", "$.Schedule.EventFilter") or {}
    event_type = get(dims, "EventType", "$.Schedule.EventFilter.Dimensions") or {}
    values = event_type.get("Values") or []
    if len(values) != 1 or event_type.get("DimensionType", "INCLUSIVE") != "INCLUSIVE":
        raise PinpointImportError(
            "$.Schedule.EventFilter.Dimensions.EventType: one INCLUSIVE event type is supported"
        )
    attributes = get(dims, "Attributes", "$.Schedule.EventFilter.Dimensions") or {}
    return {
        "event_type": values[0],
        "attributes": {k: (v.get("Values") or [""])[0] for k, v in attributes.items()},
    }


def _limits(limits: dict[str, Any]) -> dict[str, Any]:
    out = {
        "daily": limits.get("Daily") or None,
        "total": limits.get("Total") or None,
        "messages_per_second": limits.get("MessagesPerSecond") or None,
        "maximum_duration": limits.get("MaximumDuration") or None,  # seconds
    }
    return {k: v for k, v in out.items() if v is not None}
