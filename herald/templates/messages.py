"""How each channel's template becomes a `RenderedMessage`, part by part.

A `Parts` renders one named part (`subject`, `buttons[0].link`, `apns.aps.alert.title`). The
renderer fills parts from a context; validation passes a collector that records each source,
so rendering and checking walk exactly the same parts.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol, TypeVar

from herald.models import (
    CustomTemplate,
    EmailTemplate,
    InAppButton,
    InAppParts,
    InAppTemplate,
    PushTemplate,
    RenderedMessage,
    SmsTemplate,
    Template,
    VoiceTemplate,
)


class Parts(Protocol):
    def render(self, part: str, source: str, *, html: bool = False) -> str:
        """The rendered text of one part. `html` parts (HTML, SSML) escape their values."""
        ...


def _optional(parts: Parts, part: str, source: str | None, *, html: bool = False) -> str | None:
    return None if source is None else parts.render(part, source, html=html)


def render_json(parts: Parts, part: str, value: Any) -> Any:
    """Every string inside a JSON value rendered; numbers, booleans and nulls kept."""
    if isinstance(value, str):
        return parts.render(part, value)
    if isinstance(value, dict):
        return {k: render_json(parts, f"{part}.{k}", v) for k, v in value.items()}
    if isinstance(value, list):
        return [render_json(parts, f"{part}[{i}]", v) for i, v in enumerate(value)]
    return value


def _strings(parts: Parts, part: str, values: dict[str, str]) -> dict[str, str]:
    return {k: parts.render(f"{part}.{k}", v) for k, v in values.items()}


# Each channel builds the message as plain data, validated once into a RenderedMessage: one
# pass through pydantic costs less than building each nested model on its own.
Message = dict[str, Any]


def _email(t: EmailTemplate, parts: Parts) -> Message:
    return {
        "subject": parts.render("subject", t.subject),
        "html": _optional(parts, "html", t.html, html=True),
        "text": _optional(parts, "text", t.text),
        "headers": _strings(parts, "headers", t.headers),
        "from_address": t.from_address,
        "reply_to": t.reply_to,
    }


def _sms(t: SmsTemplate, parts: Parts) -> Message:
    options = {
        "message_type": t.message_type,
        "origination_number": t.origination_number,
        "sender_id": t.sender_id,
        "keyword": t.keyword,
        "entity_id": t.entity_id,
        "template_id": t.template_id,
    }
    return {"body": parts.render("body", t.body), "sms": options}


def _voice(t: VoiceTemplate, parts: Parts) -> Message:
    # SSML is XML: values are escaped so "Tom & Jerry" cannot break the document.
    if t.ssml is not None:
        body, ssml = parts.render("ssml", t.ssml, html=True), True
    else:
        body, ssml = parts.render("body", t.body or ""), False
    options = {
        "ssml": ssml,
        "language_code": t.language_code,
        "voice_id": t.voice_id,
        "origination_number": t.origination_number,
    }
    return {"body": body, "voice": options}


def _push(t: PushTemplate, parts: Parts) -> Message:
    options = {
        "action": t.action,
        "url": _optional(parts, "url", t.url),
        "image_url": _optional(parts, "image_url", t.image_url),
        "sound": t.sound,
        "silent": t.silent,
        "data": _strings(parts, "data", t.data),
        "time_to_live": t.time_to_live,
        "apns": render_json(parts, "apns", t.apns),
        "fcm": render_json(parts, "fcm", t.fcm),
    }
    return {
        "title": _optional(parts, "title", t.title),
        "body": _optional(parts, "body", t.body),
        "push": options,
    }


def _button(parts: Parts, i: int, button: InAppButton) -> dict[str, Any]:
    return button.model_dump() | {
        "text": parts.render(f"buttons[{i}].text", button.text),
        "link": _optional(parts, f"buttons[{i}].link", button.link),
    }


def _in_app(t: InAppTemplate, parts: Parts) -> Message:
    # What the template shows, as is, with the parts that may hold variables rendered.
    content = t.model_dump(include=set(InAppParts.model_fields)) | {
        "header": _optional(parts, "header", t.header),
        "body": _optional(parts, "body", t.body),
        "image_url": _optional(parts, "image_url", t.image_url),
        "buttons": [_button(parts, i, b) for i, b in enumerate(t.buttons)],
        "custom_config": _strings(parts, "custom_config", t.custom_config),
    }
    return {"in_app": content}


def _custom(t: CustomTemplate, parts: Parts) -> Message:
    return {"data": render_json(parts, "data", t.data)}


T = TypeVar("T")
_Assembler = Callable[[T, Parts], Message]
_ASSEMBLERS: dict[type[Any], _Assembler[Any]] = {
    EmailTemplate: _email,
    SmsTemplate: _sms,
    VoiceTemplate: _voice,
    PushTemplate: _push,
    InAppTemplate: _in_app,
    CustomTemplate: _custom,
}


def assemble(template: Template, parts: Parts) -> RenderedMessage:
    return RenderedMessage.model_validate(_ASSEMBLERS[type(template)](template, parts))
