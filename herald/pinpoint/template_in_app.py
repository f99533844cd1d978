"""An InAppTemplateRequest as Herald in-app template fields.

Herald's in-app template is one message (header, body, image, colours, alignment, up to two
buttons). Pinpoint's carousel of several messages and its per-platform button overrides have
no equivalent and are reported with their paths.
"""

from __future__ import annotations

from typing import Any

from herald.pinpoint.template_request import Request

_PLATFORMS = ("Android", "IOS", "Web")


def in_app_fields(r: Request) -> dict[str, Any]:
    fields: dict[str, Any] = {"custom_config": _config(r)}
    if layout := r.string("Layout"):
        fields["layout"] = layout
    contents = r.objects("Content")
    if not contents:
        r.problems.add("Content: needs one message")
        return fields
    for extra in contents[1:]:
        r.problems.add(
            f"{extra.path}: a Herald in-app template holds one message; import each carousel "
            "page as its own template"
        )
    return fields | _content(contents[0])


def _config(r: Request) -> dict[str, str]:
    return {
        k: r.translate(f"CustomConfig.{k}", v) or "" for k, v in r.strings("CustomConfig").items()
    }


def _content(c: Request) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "background_color": c.string("BackgroundColor"),
        "image_url": c.template("ImageUrl"),
    }
    header, body = c.object("HeaderConfig"), c.object("BodyConfig")
    if header is not None:
        fields |= {
            "header": header.template("Header"),
            "header_color": header.string("TextColor"),
            "header_alignment": header.string("Alignment"),
        }
    if body is not None:
        fields |= {
            "body": body.template("Body"),
            "body_color": body.string("TextColor"),
            "body_alignment": body.string("Alignment"),
        }
    buttons = [c.object(key) for key in ("PrimaryBtn", "SecondaryBtn")]
    fields["buttons"] = [_button(b) for b in buttons if b is not None]
    return fields


def _button(b: Request) -> dict[str, Any]:
    for platform in _PLATFORMS:
        b.refuse(
            platform,
            "per-platform buttons have no Herald equivalent; use DefaultConfig (a link may "
            "choose by `Demographic.Platform`)",
        )
    config = b.object("DefaultConfig")
    if config is None:
        b.problems.add(f"{b.path}.DefaultConfig: missing; a button needs its text and action")
        return {"text": ""}
    button: dict[str, Any] = {
        "text": config.template("Text") or "",
        "link": config.template("Link"),
        "background_color": config.string("BackgroundColor"),
        "text_color": config.string("TextColor"),
        "border_radius": config.integer("BorderRadius"),
    }
    if action := config.string("ButtonAction"):
        button["action"] = action
    return button
