"""Pinpoint's template requests as Herald templates: `herald pinpoint import --kind *-template`.

Takes EmailTemplateRequest, SMSTemplateRequest, PushNotificationTemplateRequest,
VoiceTemplateRequest and InAppTemplateRequest, or the `get-*-template` response around one.
Handlebars becomes Jinja2, `DefaultSubstitutions` (a JSON string) becomes
`default_substitutions` (its dotted keys fill endpoint values, as in Pinpoint), and the result
is checked as `herald apply` checks a template. Every problem is reported with its JSON path.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from pydantic import ValidationError

from herald.models import DEFINITION_ADAPTER, Definition
from herald.pinpoint.registry import Translator
from herald.pinpoint.template_in_app import in_app_fields
from herald.pinpoint.template_push import push_fields
from herald.pinpoint.template_request import Request
from herald.templates import template_problems

Fields = Callable[[Request], dict[str, Any]]


def _importer(shape: str, channel: str, fields_of: Fields) -> Translator:
    def translate(document: Any, name: str) -> list[Definition]:
        request = Request.of(document, shape)
        request.refuse("RecommenderId", "Herald has no recommender models; remove it")
        fields = {
            "kind": "Template",
            "name": name,
            "channel": channel,
            "description": request.string("TemplateDescription") or "",
            "default_substitutions": _defaults(request),
            **fields_of(request),
        }
        request.problems.raise_any()  # a broken part would only add confusing problems below
        try:
            definition = DEFINITION_ADAPTER.validate_python(fields)
        except ValidationError as exc:
            for error in exc.errors(include_url=False):
                field = ".".join(str(p) for p in error["loc"][2:]) or "(template)"
                message = error["msg"].removeprefix("Value error, ")
                request.problems.add(f"Herald template {field}: {message}")
        else:
            if definition.kind == "Template":
                for problem in template_problems(definition):
                    request.problems.add(f"Herald template {problem}")
        request.problems.raise_any()
        return [definition]

    return translate


def _defaults(r: Request) -> dict[str, str]:
    raw = r.string("DefaultSubstitutions")
    if not raw:
        return {}
    try:
        values = json.loads(raw)
    except json.JSONDecodeError as exc:
        r.problems.add(f"DefaultSubstitutions: not JSON: {exc.msg} at character {exc.pos}")
        return {}
    if not isinstance(values, dict):
        r.problems.add('DefaultSubstitutions: expected a JSON object, {"Variable": "value"}')
        return {}
    return {str(k): v if isinstance(v, str) else json.dumps(v) for k, v in values.items()}


def _email(r: Request) -> dict[str, Any]:
    headers: dict[str, str] = {}
    for header in r.objects("Headers"):
        name = header.string("Name")
        if name is None:
            r.problems.add(f"{header.path}.Name: missing")
            continue
        headers[name] = header.template("Value") or ""
    return {
        "subject": r.template("Subject"),
        "html": r.template("HtmlPart", html=True),
        "text": r.template("TextPart"),
        "headers": headers,
    }


def _sms(r: Request) -> dict[str, Any]:
    return {"body": r.template("Body")}


def _voice(r: Request) -> dict[str, Any]:
    fields: dict[str, Any] = {"body": r.template("Body"), "voice_id": r.string("VoiceId")}
    if language := r.string("LanguageCode"):
        fields["language_code"] = language
    return fields


email_template = _importer("EmailTemplateRequest", "EMAIL", _email)
sms_template = _importer("SMSTemplateRequest", "SMS", _sms)
voice_template = _importer("VoiceTemplateRequest", "VOICE", _voice)
push_template = _importer("PushNotificationTemplateRequest", "PUSH", push_fields)
in_app_template = _importer("InAppTemplateRequest", "IN_APP", in_app_fields)
