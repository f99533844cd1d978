"""A Pinpoint campaign's (or treatment's) messages as Herald campaign messages: stored
templates from TemplateConfiguration, inline templates from MessageConfiguration.

An inline message keeps every part Herald's template of its channel has (an SMS's sender
and India DLT registration, a push's action, image and time to live); a part it has not is
refused at its JSON path rather than dropped, since the message would go out without it.
"""

from __future__ import annotations

import json
from typing import Any

from herald.pinpoint.handlebars import to_jinja
from herald.pinpoint.handlebars_syntax import HandlebarsError
from herald.pinpoint.journey_parts import get, resource_name
from herald.pinpoint.registry import PinpointImportError

TEMPLATES = {
    "EmailTemplate": "EMAIL",
    "SMSTemplate": "SMS",
    "PushTemplate": "PUSH",
    "VoiceTemplate": "VOICE",
    "InAppTemplate": "IN_APP",
}
# CampaignSmsMessage's static members -> Herald's SMS template fields.
SMS_FIELDS = {
    "MessageType": "message_type",
    "OriginationNumber": "origination_number",
    "SenderId": "sender_id",
    "EntityId": "entity_id",
    "TemplateId": "template_id",
}
# Pinpoint's push messages: the default, and the ones for one service each.
PUSH_MESSAGES = ("DefaultMessage", "GCMMessage", "APNSMessage")
PUSH_TEXTS = {"Title": "title", "Body": "body", "Url": "url"}
PUSH_REFUSED = {
    "RawContent": "a raw payload replaces the whole message, which an inline push does not "
    "translate; use a push template (TemplateConfiguration.PushTemplate), whose APNS and "
    "GCM RawContent import as overrides",
    "ImageIconUrl": "FCM HTTP v1 has no large-icon URL; remove it or use ImageUrl",
    "ImageSmallIconUrl": "FCM HTTP v1 takes a drawable name, not a URL; remove it",
}
UNSUPPORTED = ("BaiduMessage", "ADMMessage", "CustomMessage", "InAppMessage")


def messages(node: dict[str, Any], path: str) -> list[dict[str, Any]]:
    """The messages of a WriteCampaignRequest or WriteTreatmentResource at `path`; a
    template for a channel wins over an inline message for it, as in Pinpoint."""
    out = _templates(
        get(node, "TemplateConfiguration", path) or {}, f"{path}.TemplateConfiguration"
    )
    configured = get(node, "MessageConfiguration", path) or {}
    out += [m for m in _inline(configured, f"{path}.MessageConfiguration") if m["channel"]
            not in {o["channel"] for o in out}]  # fmt: skip
    if not out:
        raise PinpointImportError(
            f"{path}: needs TemplateConfiguration or MessageConfiguration with a message"
        )
    return out


def _templates(config: dict[str, Any], path: str) -> list[dict[str, Any]]:
    out = []
    for key, channel in TEMPLATES.items():
        if ref := get(config, key, path):
            here = f"{path}.{key}"
            message: dict[str, Any] = {
                "channel": channel,
                "template": resource_name(ref.get("Name") or "", f"{here}.Name"),
            }
            if ref.get("Version") and str(ref["Version"]).isdigit():
                message["template_version"] = int(ref["Version"])
            out.append(message)
    return out


def _inline(config: dict[str, Any], path: str) -> list[dict[str, Any]]:
    for unsupported in UNSUPPORTED:
        if config.get(unsupported):
            raise PinpointImportError(
                f"{path}.{unsupported}: not translated; use a template "
                "(TemplateConfiguration) for this channel"
            )
    found = []
    if email := get(config, "EmailMessage", path):
        found.append({"channel": "EMAIL", "inline": _email(email, f"{path}.EmailMessage")})
    if sms := get(config, "SMSMessage", path):
        found.append({"channel": "SMS", "inline": _sms(sms, f"{path}.SMSMessage")})
    if push := _push(config, path):
        found.append({"channel": "PUSH", "inline": push})
    return found


def _email(email: dict[str, Any], path: str) -> dict[str, Any]:
    parts = {"subject": "Title", "text": "Body", "html": "HtmlBody"}
    inline: dict[str, Any] = {
        ours: jinja(email[theirs], f"{path}.{theirs}", html=ours == "html")
        for ours, theirs in parts.items()
        if email.get(theirs)
    }
    if email.get("FromAddress"):
        inline["from_address"] = email["FromAddress"]
    if headers := get(email, "Headers", path, list):
        inline["headers"] = _headers(headers, f"{path}.Headers")
    return inline


def _headers(headers: list[dict[str, Any]], path: str) -> dict[str, str]:
    out = {}
    for i, header in enumerate(headers):
        if not header.get("Name"):
            raise PinpointImportError(f"{path}.{i}.Name: required (the header's name)")
        out[header["Name"]] = jinja(header.get("Value") or "", f"{path}.{i}.Value")
    return out


def _sms(sms: dict[str, Any], path: str) -> dict[str, Any]:
    inline = {"body": jinja(sms.get("Body") or "", f"{path}.Body")}
    return inline | {ours: sms[theirs] for theirs, ours in SMS_FIELDS.items() if sms.get(theirs)}


def _push(config: dict[str, Any], path: str) -> dict[str, Any] | None:
    """The one push message: Herald's inline push has one content for FCM and APNs, so a
    per-service message beside another (which Pinpoint sent to that service instead) is
    refused, not dropped."""
    given = [(key, message) for key in PUSH_MESSAGES if (message := get(config, key, path))]
    if not given:
        return None
    (key, message), *others = given
    for other, extra in others:
        if extra != message:
            raise PinpointImportError(
                f"{path}.{other}: a second push message beside {key} does not translate "
                "inline (Herald's inline push has one content for FCM and APNs); use a push "
                "template (TemplateConfiguration.PushTemplate), whose GCM and APNS parts "
                "import as per-service overrides, or give one message"
            )
    return _push_parts(message, f"{path}.{key}")


def _push_parts(message: dict[str, Any], path: str) -> dict[str, Any]:
    for key, why in PUSH_REFUSED.items():
        if message.get(key):
            raise PinpointImportError(f"{path}.{key}: {why}")
    inline: dict[str, Any] = {
        ours: jinja(message[theirs], f"{path}.{theirs}")
        for theirs, ours in PUSH_TEXTS.items()
        if message.get(theirs)
    }
    if message.get("Action"):
        inline["action"] = message["Action"]
    if message.get("SilentPush"):
        inline["silent"] = True
    if message.get("TimeToLive") is not None:
        inline["time_to_live"] = message["TimeToLive"]
    if message.get("JsonBody"):
        inline["data"] = _data(message["JsonBody"], f"{path}.JsonBody")
    # Each image goes to the one service Pinpoint showed it on, as the template import's
    # per-service overrides write it.
    if image := message.get("ImageUrl"):
        inline["fcm"] = {"notification": {"image": jinja(image, f"{path}.ImageUrl")}}
    if media := message.get("MediaUrl"):
        url = jinja(media, f"{path}.MediaUrl")
        inline["apns"] = {"aps": {"mutable-content": 1}, "herald.image_url": url}
    return inline


def _data(raw: str, path: str) -> dict[str, str]:
    """JsonBody, a JSON object, as the push's data: key-values for the app."""
    try:
        payload = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise PinpointImportError(
            f"{path}: not JSON ({exc.msg} at character {exc.pos}); expected a JSON object"
        ) from None
    if not isinstance(payload, dict):
        raise PinpointImportError(f"{path}: expected a JSON object of key-values for the app")
    return {
        str(k): jinja(v, f"{path}.{k}") if isinstance(v, str) else json.dumps(v)
        for k, v in payload.items()
    }


def jinja(source: str, path: str, *, html: bool = False) -> str:
    """A Handlebars part as Jinja2; one that does not translate is refused at its path."""
    try:
        return to_jinja(source, html=html)
    except HandlebarsError as exc:
        raise PinpointImportError(f"{path}: {exc}") from None
