"""Rendered push content as FCM messages and APNs payloads, shaped as Pinpoint sent them.

The action goes in the data (`herald.action`, `herald.url`) where the app's handler reads it,
as Pinpoint's `pinpoint.openApp` / `pinpoint.deeplink` / `pinpoint.url` were. The template's
`fcm` and `apns` overrides are merged last, so a template can set anything either service
takes.
"""

from __future__ import annotations

from typing import Any

from herald.models import OutgoingMessage, PushOptions


def merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    """`override` merged into `base`, recursively for nested mappings."""
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def action_data(push: PushOptions) -> dict[str, str]:
    data = dict(push.data)
    data["herald.action"] = push.action
    if push.url:
        data["herald.url"] = push.url
    return data


def fcm_message(message: OutgoingMessage) -> dict[str, Any]:
    content = message.content
    push = content.push or PushOptions()
    fcm: dict[str, Any] = {"token": message.address, "data": action_data(push)}
    android: dict[str, Any] = {}
    if not push.silent:
        notification = {"title": content.title, "body": content.body, "image": push.image_url}
        fcm["notification"] = {k: v for k, v in notification.items() if v}
        if push.sound:
            android["notification"] = {"sound": push.sound}
    if push.time_to_live is not None:
        android["ttl"] = f"{push.time_to_live}s"
    if android:
        fcm["android"] = android
    return merge(fcm, push.fcm)


def apns_payload(message: OutgoingMessage) -> dict[str, Any]:
    content = message.content
    push = content.push or PushOptions()
    aps: dict[str, Any]
    if push.silent:
        aps = {"content-available": 1}
    else:
        alert = {k: v for k, v in {"title": content.title, "body": content.body}.items() if v}
        aps = {"alert": alert}
        if push.sound:
            aps["sound"] = push.sound
        if push.image_url:
            aps["mutable-content"] = 1
    payload: dict[str, Any] = {"aps": aps, **action_data(push)}
    if push.image_url:
        payload["herald.image_url"] = push.image_url
    return merge(payload, push.apns)
