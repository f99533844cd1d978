"""A PushNotificationTemplateRequest as Herald push template fields.

`Default` becomes the template's own title, body, action, URL and sound. `APNS` and `GCM`
become the `apns` / `fcm` overrides, written in the shape Herald's APNs payload and FCM HTTP v1
message take (`aps.alert.title`, `android.notification.sound`, `herald.action` data), so they
override exactly what Pinpoint's per-service templates overrode. `RawContent` replaces the
service's content, as in Pinpoint. ADM and Baidu have no provider in Herald.
"""

from __future__ import annotations

import json
from typing import Any

from herald.pinpoint.template_request import Request

_NO_PROVIDER = "Herald sends push through FCM and APNs only; remove this override"
# Pinpoint's legacy GCM payload keys -> FCM HTTP v1 `android` config.
_GCM_RAW = {"notification": "notification", "collapse_key": "collapse_key"}


def push_fields(r: Request) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    default = r.object("Default")
    if default is not None:
        fields |= {
            "title": default.template("Title"),
            "body": default.template("Body"),
            "url": default.template("Url"),
            "sound": default.string("Sound"),
        }
        if action := default.string("Action"):
            fields["action"] = action
    r.refuse("ADM", _NO_PROVIDER)
    r.refuse("Baidu", _NO_PROVIDER)
    apns, gcm = r.object("APNS"), r.object("GCM")
    fields["apns"] = _apns(apns) if apns else {}
    fields["fcm"] = _fcm(gcm) if gcm else {}
    return fields


def _action_data(r: Request) -> dict[str, Any]:
    data: dict[str, Any] = {}
    if action := r.string("Action"):
        data["herald.action"] = action
    if url := r.template("Url"):
        data["herald.url"] = url
    return data


def _apns(r: Request) -> dict[str, Any]:
    if r.data.get("RawContent"):
        return _raw(r)
    alert = _present({"title": r.template("Title"), "body": r.template("Body")})
    aps = _present({"alert": alert, "sound": r.string("Sound")})
    payload: dict[str, Any] = {"aps": aps} if aps else {}
    if media := r.template("MediaUrl"):
        aps["mutable-content"] = 1
        payload["herald.image_url"] = media
    return payload | _action_data(r)


def _fcm(r: Request) -> dict[str, Any]:
    if r.data.get("RawContent"):
        return _gcm_raw(r, _raw(r))
    r.refuse("ImageIconUrl", "FCM HTTP v1 has no large-icon URL; remove it or use ImageUrl")
    r.refuse("SmallImageIconUrl", "FCM HTTP v1 takes a drawable name, not a URL; remove it")
    notification = _present(
        {"title": r.template("Title"), "body": r.template("Body"), "image": r.template("ImageUrl")}
    )
    message: dict[str, Any] = {"notification": notification} if notification else {}
    if sound := r.string("Sound"):
        message["android"] = {"notification": {"sound": sound}}
    if data := _action_data(r):
        message["data"] = data
    return message


def _raw(r: Request) -> dict[str, Any]:
    """RawContent: a JSON payload whose strings may hold variables."""
    raw = r.string("RawContent") or ""
    try:
        payload = json.loads(raw)
    except json.JSONDecodeError as exc:
        r.problems.add(
            f"{r.where('RawContent')}: not JSON ({exc.msg} at character {exc.pos}); "
            "variables must sit inside JSON strings"
        )
        return {}
    if not isinstance(payload, dict):
        r.problems.add(f"{r.where('RawContent')}: expected a JSON object")
        return {}
    translated: dict[str, Any] = _strings(r, "RawContent", payload)
    return translated


def _strings(r: Request, key: str, value: Any) -> Any:
    if isinstance(value, str):
        return r.translate(key, value)
    if isinstance(value, dict):
        return {k: _strings(r, f"{key}.{k}", v) for k, v in value.items()}
    if isinstance(value, list):
        return [_strings(r, f"{key}[{i}]", v) for i, v in enumerate(value)]
    return value


def _gcm_raw(r: Request, payload: dict[str, Any]) -> dict[str, Any]:
    """Pinpoint's GCM RawContent is the legacy FCM payload; v1 moved its keys."""
    message: dict[str, Any] = {}
    android: dict[str, Any] = {}
    for key, value in payload.items():
        if key == "data" and isinstance(value, dict):
            message["data"] = {
                k: v if isinstance(v, str) else json.dumps(v) for k, v in value.items()
            }
        elif key in _GCM_RAW:
            android[_GCM_RAW[key]] = value
        elif key == "priority" and isinstance(value, str):
            android["priority"] = value.upper()
        elif key == "time_to_live" and isinstance(value, int):
            android["ttl"] = f"{value}s"
        else:
            r.problems.add(
                f"{r.where('RawContent')}.{key}: no FCM HTTP v1 equivalent; Herald translates "
                "data, notification, priority, time_to_live and collapse_key"
            )
    if android:
        message["android"] = android
    return message


def _present(values: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in values.items() if v}
