"""`herald pinpoint import --kind *-template`: Pinpoint's template requests become Herald
templates that render what Pinpoint sent, or fail naming the JSON path."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import botocore.session
import pytest
from botocore.validate import ParamValidator
from typer.testing import CliRunner

from herald.cli import app
from herald.models import (
    EmailTemplate,
    Endpoint,
    InAppTemplate,
    PushTemplate,
    SmsTemplate,
    VoiceTemplate,
)
from herald.pinpoint import PinpointImportError, translate
from herald.templates import render_message

_PINPOINT = botocore.session.get_session().get_service_model("pinpoint")

JANE = Endpoint.model_validate(
    {
        "Id": "jane",
        "ChannelType": "EMAIL",
        "Address": "jane@example.com",
        "User": {"UserId": "u-1", "UserAttributes": {"FirstName": ["Jane"]}},
        "Attributes": {"Plan": ["pro"], "OrderId": ["o-7"]},
    }
)
NAMELESS = JANE.model_copy(update={"user": None})


def pinpoint(shape: str, request: dict[str, Any]) -> dict[str, Any]:
    """A request botocore accepts as `shape`: the fixtures are real Pinpoint requests."""
    report = ParamValidator().validate(request, _PINPOINT.shape_for(shape))
    assert not report.has_errors(), report.generate_report()
    return request


EMAIL = pinpoint(
    "EmailTemplateRequest",
    {
        "Subject": "Welcome, {{User.UserAttributes.FirstName}}",
        "HtmlPart": "<p>Hi {{User.UserAttributes.FirstName}}</p>{{#if Attributes.Plan}}"
        "<p>Plan: {{Attributes.Plan}}</p>{{/if}}",
        "TextPart": "Hi {{User.UserAttributes.FirstName}}",
        "Headers": [{"Name": "X-Order", "Value": "{{Attributes.OrderId}}"}],
        "DefaultSubstitutions": json.dumps({"User.UserAttributes.FirstName": "there"}),
        "TemplateDescription": "Welcome mail",
        "tags": {"team": "growth"},
    },
)


def test_an_email_template_renders_its_variables_and_defaults() -> None:
    [template] = translate("email-template", EMAIL, "welcome")
    assert isinstance(template, EmailTemplate)
    assert (template.name, template.description) == ("welcome", "Welcome mail")
    assert template.default_substitutions == {"User.UserAttributes.FirstName": "there"}
    message = render_message(template, JANE)
    assert message.subject == "Welcome, Jane"
    assert message.html == "<p>Hi Jane</p><p>Plan: pro</p>"
    assert message.headers == {"X-Order": "o-7"}
    assert render_message(template, NAMELESS).subject == "Welcome, there"


def test_a_get_template_response_imports_like_its_request() -> None:
    response = {
        "EmailTemplateResponse": {
            **EMAIL,
            "Arn": "arn:aws:x",
            "Version": "3",
            "TemplateName": "w",
            "TemplateType": "EMAIL",
        }
    }
    [template] = translate("email-template", response, "welcome")
    assert isinstance(template, EmailTemplate)
    assert render_message(template, JANE).text == "Hi Jane"


def test_sms_and_voice_templates() -> None:
    sms = pinpoint("SMSTemplateRequest", {"Body": "Code for {{User.UserAttributes.FirstName}}"})
    voice = pinpoint(
        "VoiceTemplateRequest",
        {
            "Body": "Hello {{User.UserAttributes.FirstName}}",
            "LanguageCode": "en-GB",
            "VoiceId": "Amy",
        },
    )
    [sms_template] = translate("sms-template", sms, "code")
    [voice_template] = translate("voice-template", voice, "call")
    assert isinstance(sms_template, SmsTemplate) and isinstance(voice_template, VoiceTemplate)
    assert render_message(sms_template, JANE).body == "Code for Jane"
    spoken = render_message(voice_template, JANE)
    assert spoken.body == "Hello Jane"
    assert spoken.voice is not None
    assert (spoken.voice.language_code, spoken.voice.voice_id) == ("en-GB", "Amy")


PUSH = pinpoint(
    "PushNotificationTemplateRequest",
    {
        "Default": {
            "Title": "Hi {{User.UserAttributes.FirstName}}",
            "Body": "Order {{Attributes.OrderId}} shipped",
            "Action": "DEEP_LINK",
            "Url": "shop://orders/{{Attributes.OrderId}}",
            "Sound": "default",
        },
        "APNS": {
            "Title": "{{User.UserAttributes.FirstName}}, on iOS",
            "MediaUrl": "https://i/x.png",
        },
        "GCM": {
            "Body": "Android: {{Attributes.OrderId}}",
            "ImageUrl": "https://i/{{Attributes.OrderId}}.png",
            "Sound": "chime",
            "Action": "URL",
            "Url": "https://shop.example.com/o/{{Attributes.OrderId}}",
        },
    },
)


def test_a_push_template_keeps_the_default_and_each_service_override() -> None:
    [template] = translate("push-template", PUSH, "shipped")
    assert isinstance(template, PushTemplate)
    message = render_message(template, JANE)
    assert (message.title, message.body) == ("Hi Jane", "Order o-7 shipped")
    push = message.push
    assert push is not None
    assert (push.action, push.url, push.sound) == ("DEEP_LINK", "shop://orders/o-7", "default")
    assert push.apns == {
        "aps": {"alert": {"title": "Jane, on iOS"}, "mutable-content": 1},
        "herald.image_url": "https://i/x.png",
    }
    assert push.fcm == {
        "notification": {"body": "Android: o-7", "image": "https://i/o-7.png"},
        "android": {"notification": {"sound": "chime"}},
        "data": {"herald.action": "URL", "herald.url": "https://shop.example.com/o/o-7"},
    }


def test_raw_push_content_replaces_a_services_content() -> None:
    raw_gcm = {"data": {"order": "{{Attributes.OrderId}}"}, "priority": "high", "time_to_live": 60}
    request = pinpoint(
        "PushNotificationTemplateRequest",
        {
            "APNS": {"RawContent": json.dumps({"aps": {"alert": "{{Attributes.OrderId}}"}})},
            "GCM": {"RawContent": json.dumps(raw_gcm)},
        },
    )
    [template] = translate("push-template", request, "raw")
    assert isinstance(template, PushTemplate)
    push = render_message(template, JANE).push
    assert push is not None
    assert push.apns == {"aps": {"alert": "o-7"}}
    assert push.fcm == {"data": {"order": "o-7"}, "android": {"priority": "HIGH", "ttl": "60s"}}


IN_APP = pinpoint(
    "InAppTemplateRequest",
    {
        "Layout": "BOTTOM_BANNER",
        "CustomConfig": {"campaign": "{{Attributes.Plan}}"},
        "Content": [
            {
                "BackgroundColor": "#FFFFFF",
                "HeaderConfig": {
                    "Alignment": "CENTER",
                    "Header": "Hi {{User.UserAttributes.FirstName}}",
                    "TextColor": "#000000",
                },
                "BodyConfig": {
                    "Alignment": "LEFT",
                    "Body": "You are on {{Attributes.Plan}}",
                    "TextColor": "#333333",
                },
                "ImageUrl": "https://i/banner.png",
                "PrimaryBtn": {
                    "DefaultConfig": {
                        "Text": "Upgrade",
                        "ButtonAction": "LINK",
                        "Link": "https://x/{{Id}}",
                        "BorderRadius": 4,
                    },
                },
                "SecondaryBtn": {"DefaultConfig": {"Text": "Later", "ButtonAction": "CLOSE"}},
            }
        ],
    },
)


def test_an_in_app_template_keeps_texts_links_colours_and_alignment() -> None:
    [template] = translate("in-app-template", IN_APP, "banner")
    assert isinstance(template, InAppTemplate)
    content = render_message(template, JANE).in_app
    assert content is not None
    assert (content.layout, content.header, content.body) == (
        "BOTTOM_BANNER",
        "Hi Jane",
        "You are on pro",
    )
    assert (content.header_alignment, content.body_alignment, content.body_color) == (
        "CENTER",
        "LEFT",
        "#333333",
    )
    assert [(b.text, b.action, b.link, b.border_radius) for b in content.buttons] == [
        ("Upgrade", "LINK", "https://x/jane", 4),
        ("Later", "CLOSE", None, None),
    ]
    assert content.custom_config == {"campaign": "pro"}


@pytest.mark.parametrize(
    ("kind", "request_", "problems"),
    [
        (
            "email-template",
            {**EMAIL, "TextPart": 'Renews {{dateFormat Attributes.Renewal "yyyy"}}'},
            ["TextPart: line 1 column 8: Handlebars helper `dateFormat` has no Herald translation"],
        ),
        (
            "email-template",
            {"Subject": "s", "TextPart": "t", "DefaultSubstitutions": "{not json"},
            ["DefaultSubstitutions: not JSON"],
        ),
        (
            "sms-template",
            {"Body": "x", "RecommenderId": "r-1", "Bodyy": "typo"},
            [
                "Bodyy: not a member of SMSTemplateRequest; members: Body,",
                "RecommenderId: Herald has no recommender models",
            ],
        ),
        (
            "push-template",
            {"ADM": {"Body": "x"}, "GCM": {"Body": "b", "SmallImageIconUrl": "https://i"}},
            [
                "ADM: Herald sends push through FCM and APNs only",
                "GCM.SmallImageIconUrl: FCM HTTP v1 takes a drawable name",
            ],
        ),
        (
            "in-app-template",
            {
                "Content": [
                    {
                        "BodyConfig": {"Body": "page 1"},
                        "PrimaryBtn": {"IOS": {"ButtonAction": "CLOSE"}},
                    },
                    {"BodyConfig": {"Body": "page 2"}},
                ]
            },
            [
                "Content[0].PrimaryBtn.IOS: per-platform buttons have no Herald equivalent",
                "Content[0].PrimaryBtn.DefaultConfig: missing",
                "Content[1]: a Herald in-app template holds one message",
            ],
        ),
        (
            "sms-template",
            {"Body": "Hi {{User.Nickname}}"},
            ["Herald template body: line 1 column 7: `User.Nickname` is not a variable"],
        ),
    ],
)
def test_what_cannot_be_translated_is_named_by_its_json_path(
    kind: str, request_: dict[str, Any], problems: list[str]
) -> None:
    with pytest.raises(PinpointImportError) as raised:
        translate(kind, request_, "t")
    lines = str(raised.value).splitlines()
    for problem in problems:
        assert any(line.startswith(problem) for line in lines), (problem, lines)


def test_the_cli_imports_applies_and_previews(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HERALD_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("HERALD_DATABASE_URL", raising=False)
    runner = CliRunner()
    request = tmp_path / "welcome.json"
    request.write_text(json.dumps(EMAIL))
    endpoint = tmp_path / "jane.yaml"
    endpoint.write_text(
        "kind: Endpoint\nId: jane\nChannelType: EMAIL\nAddress: jane@example.com\n"
        "Attributes: {OrderId: [o-7], Plan: [pro]}\n"
    )
    imported = runner.invoke(
        app, ["pinpoint", "import", str(request), "--kind", "email-template", "--name", "welcome"]
    )
    assert imported.exit_code == 0, imported.output
    assert "Template welcome v1 applied" in imported.stdout
    assert runner.invoke(app, ["apply", str(endpoint)]).exit_code == 0
    preview = runner.invoke(app, ["templates", "render", "welcome", "--endpoint", "jane"])
    assert "subject: Welcome, there" in preview.stdout


def test_the_cli_writes_herald_yaml_that_applies_unchanged(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HERALD_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("HERALD_DATABASE_URL", raising=False)
    runner = CliRunner()
    request, out = tmp_path / "push.json", tmp_path / "push.yaml"
    request.write_text(json.dumps(PUSH))
    args = ["pinpoint", "import", str(request), "--kind", "push-template", "--name", "shipped"]
    assert runner.invoke(app, [*args, "--out", str(out)]).exit_code == 0
    applied = runner.invoke(app, ["apply", str(out)])
    assert applied.exit_code == 0, applied.output
    assert "Template shipped v1 applied" in applied.stdout


def test_a_cli_import_problem_exits_2_naming_file_path_and_helper(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HERALD_HOME", str(tmp_path / "home"))
    request = tmp_path / "bad.json"
    request.write_text(json.dumps({"Body": "{{#each Items}}{{lookup . 'x'}}{{/each}}"}))
    args = ["pinpoint", "import", str(request), "--kind", "sms-template", "--name", "bad"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 2
    assert f"{request}: Body: line 1 column 16: Handlebars helper `lookup`" in result.stderr
