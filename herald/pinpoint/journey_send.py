"""Pinpoint's EMAIL, SMS, PUSH and CUSTOM activities as Herald send steps.

A message activity's MessageConfig (sender, SMS type, push time to live) is set on the Herald
template instead, so an import refuses it naming the template field that holds it.
"""

from __future__ import annotations

from typing import Any

from herald.pinpoint.journey_parts import get, resource_name
from herald.pinpoint.registry import PinpointImportError

SEND_TYPES = {"EMAIL": "EMAIL", "SMS": "SMS", "PUSH": "PUSH", "CUSTOM": "CUSTOM"}
# MessageConfig fields, as the template field that holds them in Herald (None: no equivalent).
TEMPLATE_FIELDS: dict[str, dict[str, str | None]] = {
    "EMAIL": {"FromAddress": "from_address"},
    "SMS": {
        "MessageType": "message_type",
        "OriginationNumber": "origination_number",
        "SenderId": "sender_id",
        "EntityId": None,
        "TemplateId": None,
    },
    "PUSH": {"TimeToLive": "time_to_live"},
    "CUSTOM": {"Data": "the template's content"},
}


def send(channel: str) -> Any:
    def build(body: dict[str, Any], path: str) -> tuple[dict[str, Any], dict[str, str]]:
        template = get(body, "TemplateName", path, str)
        if not template:
            raise PinpointImportError(
                f"{path}.TemplateName: required (inline messages do not translate)"
            )
        step: dict[str, Any] = {
            "type": "send",
            "channel": channel,
            "template": resource_name(template, f"{path}.TemplateName"),
            "next": body.get("NextActivity"),
        }
        _message_config(channel, get(body, "MessageConfig", path) or {}, step, path)
        if channel == "CUSTOM":
            _endpoint_types(body, path)
        version = body.get("TemplateVersion")
        if version and str(version).isdigit():
            step["template_version"] = int(version)
        return step, _fields(path)

    return build


def _fields(path: str) -> dict[str, str]:
    """A send step's fields -> the JSON paths they come from."""
    return {
        "channel": path,
        "template": f"{path}.TemplateName",
        "template_version": f"{path}.TemplateVersion",
        "next": f"{path}.NextActivity",
    }


def _message_config(channel: str, config: dict[str, Any], step: dict[str, Any], path: str) -> None:
    fields = TEMPLATE_FIELDS[channel]
    for key, value in config.items():
        if value in (None, ""):
            continue
        here = f"{path}.MessageConfig.{key}"
        if key not in fields:
            raise PinpointImportError(
                f"{here}: not a {channel} field; allowed: {', '.join(fields)}"
            )
        if fields[key] is None:
            raise PinpointImportError(f"{here}: has no Herald equivalent; remove it")
        raise PinpointImportError(
            f"{here}: a Herald send step takes this from its template; set {fields[key]} on "
            f"template {step['template']!r} and remove it here"
        )


def _endpoint_types(body: dict[str, Any], path: str) -> None:
    types = body.get("EndpointTypes") or []
    if any(t != "CUSTOM" for t in types):
        raise PinpointImportError(
            f"{path}.EndpointTypes: {types}; a CUSTOM step reaches CUSTOM endpoints only, "
            'allowed: ["CUSTOM"] or none'
        )
