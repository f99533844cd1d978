"""Every channel's template renders into the message parts its provider sends."""

from __future__ import annotations

from typing import Any

import pytest

from herald.models import DEFINITION_ADAPTER, Endpoint, Template
from herald.templates import TemplateRenderError, render_message

ANN = Endpoint.model_validate(
    {
        "Id": "ann",
        "ChannelType": "GCM",
        "Address": "device-token-1",
        "User": {"UserId": "u-ann", "UserAttributes": {"FirstName": ["Ann"]}},
        "Attributes": {"Plan": ["pro"], "OrderId": ["o-42"]},
        "Location": {"City": "Paris"},
    }
)


def template(**fields: Any) -> Template:
    definition = DEFINITION_ADAPTER.validate_python({"kind": "Template", "name": "t", **fields})
    assert definition.kind == "Template"
    return definition


def test_email_renders_subject_parts_and_headers() -> None:
    email = template(
        channel="EMAIL",
        subject="Order {{ Attributes.OrderId }}",
        html="<p>{{ User.UserAttributes.FirstName }} & co</p>",
        text="Hi {{ User.UserAttributes.FirstName }}",
        headers={"X-Order": "{{ Attributes.OrderId }}", "List-Unsubscribe": "<mailto:u@x.io>"},
        from_address="shop@example.com",
        reply_to=["help@example.com"],
    )
    message = render_message(email, ANN)
    assert (message.subject, message.text) == ("Order o-42", "Hi Ann")
    assert message.html == "<p>Ann & co</p>"  # the template's own markup is kept
    assert message.headers == {"X-Order": "o-42", "List-Unsubscribe": "<mailto:u@x.io>"}
    assert (message.from_address, message.reply_to) == ("shop@example.com", ["help@example.com"])


def test_sms_carries_its_sending_options() -> None:
    sms = template(
        channel="SMS",
        body="Code for {{ User.UserAttributes.FirstName }}",
        message_type="PROMOTIONAL",
        origination_number="+15555550199",
        sender_id="HERALD",
    )
    message = render_message(sms, ANN)
    assert message.body == "Code for Ann"
    assert message.sms is not None
    assert (message.sms.message_type, message.sms.origination_number, message.sms.sender_id) == (
        "PROMOTIONAL",
        "+15555550199",
        "HERALD",
    )


def test_push_renders_title_body_link_data_and_service_overrides() -> None:
    push = template(
        channel="PUSH",
        title="{{ User.UserAttributes.FirstName }}, your order",
        body="Order {{ Attributes.OrderId }} shipped",
        action="DEEP_LINK",
        url="shop://orders/{{ Attributes.OrderId }}",
        image_url="https://img.example.com/{{ Attributes.OrderId }}.png",
        sound="default",
        data={"order": "{{ Attributes.OrderId }}"},
        time_to_live=3600,
        apns={"aps": {"badge": 1, "alert": {"subtitle": "From {{ Location.City }}"}}},
        fcm={"android": {"priority": "HIGH", "notification": {"tag": "{{ Attributes.OrderId }}"}}},
    )
    message = render_message(push, ANN)
    assert (message.title, message.body) == ("Ann, your order", "Order o-42 shipped")
    options = message.push
    assert options is not None
    assert (options.action, options.url) == ("DEEP_LINK", "shop://orders/o-42")
    assert options.image_url == "https://img.example.com/o-42.png"
    assert (options.sound, options.time_to_live, options.data) == (
        "default",
        3600,
        {"order": "o-42"},
    )
    assert options.apns == {"aps": {"badge": 1, "alert": {"subtitle": "From Paris"}}}
    assert options.fcm == {"android": {"priority": "HIGH", "notification": {"tag": "o-42"}}}


def test_a_silent_push_needs_no_title() -> None:
    push = template(channel="PUSH", silent=True, data={"sync": "{{ Id }}"})
    message = render_message(push, ANN)
    assert message.push is not None and message.push.silent
    assert message.push.data == {"sync": "ann"}


def test_voice_plain_text_and_ssml_which_escapes_values() -> None:
    plain = template(channel="VOICE", body="Hello {{ who }}", default_substitutions={"who": "A&B"})
    ssml = template(
        channel="VOICE",
        ssml="<speak>Hello <emphasis>{{ who }}</emphasis></speak>",
        default_substitutions={"who": "Tom & <Jerry>"},
        language_code="fr-FR",
        voice_id="Lea",
    )
    spoken = render_message(plain, ANN)
    assert spoken.body == "Hello A&B"
    assert spoken.voice is not None and not spoken.voice.ssml
    markup = render_message(ssml, ANN)
    assert markup.body == "<speak>Hello <emphasis>Tom &amp; &lt;Jerry&gt;</emphasis></speak>"
    assert markup.voice is not None
    assert (markup.voice.ssml, markup.voice.language_code, markup.voice.voice_id) == (
        True,
        "fr-FR",
        "Lea",
    )


def test_in_app_renders_texts_and_links_and_keeps_its_look() -> None:
    in_app = template(
        channel="IN_APP",
        layout="BOTTOM_BANNER",
        header="Hi {{ User.UserAttributes.FirstName }}",
        body="Your {{ Attributes.Plan }} plan",
        background_color="#000000",
        header_alignment="CENTER",
        buttons=[
            {
                "text": "See {{ Attributes.OrderId }}",
                "action": "DEEP_LINK",
                "link": "shop://o/{{ Id }}",
            },
            {"text": "Later"},
        ],
        priority=5,
        custom_config={"campaign": "{{ Attributes.Plan }}-promo"},
    )
    content = render_message(in_app, ANN).in_app
    assert content is not None
    assert (content.layout, content.header, content.body) == (
        "BOTTOM_BANNER",
        "Hi Ann",
        "Your pro plan",
    )
    assert (content.background_color, content.header_alignment, content.priority) == (
        "#000000",
        "CENTER",
        5,
    )
    assert [(b.text, b.action, b.link) for b in content.buttons] == [
        ("See o-42", "DEEP_LINK", "shop://o/ann"),
        ("Later", "CLOSE", None),
    ]
    assert content.custom_config == {"campaign": "pro-promo"}


def test_custom_renders_every_string_in_its_json_and_keeps_other_values() -> None:
    custom = template(
        channel="CUSTOM",
        data={"user": "{{ User.UserId }}", "items": ["{{ Attributes.OrderId }}", 2, True, None]},
    )
    assert render_message(custom, ANN).data == {"user": "u-ann", "items": ["o-42", 2, True, None]}


def test_a_missing_value_in_a_nested_part_names_that_part() -> None:
    in_app = template(
        channel="IN_APP",
        header="Hi",
        buttons=[{"text": "Go", "action": "LINK", "link": "https://x.io/{{ Attributes.Ref }}"}],
    )
    with pytest.raises(TemplateRenderError, match=r"'t' \(buttons\[0\]\.link\).*Attributes\.Ref"):
        render_message(in_app, ANN)


@pytest.mark.parametrize(
    ("fields", "problem"),
    [
        ({"channel": "EMAIL", "subject": "s"}, "needs `html`, `text` or both"),
        (
            {"channel": "EMAIL", "subject": "s", "text": "t", "headers": {"From": "x"}},
            "use `subject`",
        ),
        ({"channel": "EMAIL", "subject": "s", "text": "t", "headers": {"A:B": "x"}}, "without ':'"),
        ({"channel": "VOICE", "body": "a", "ssml": "<speak/>"}, "exactly one of `body`"),
        ({"channel": "PUSH", "body": "b", "action": "URL"}, "action URL needs `url`"),
        ({"channel": "PUSH", "data": {"a": "b"}}, "`silent: true`"),
        ({"channel": "IN_APP", "buttons": [{"text": "x"}]}, "needs `header`, `body`"),
        (
            {"channel": "IN_APP", "body": "b", "buttons": [{"text": "x", "action": "LINK"}]},
            "buttons[0]",
        ),
        ({"channel": "CUSTOM", "data": {}}, "at least 1 item"),
    ],
)
def test_a_template_missing_what_its_channel_needs_is_refused(
    fields: dict[str, Any], problem: str
) -> None:
    with pytest.raises(ValueError, match=problem.replace("[", r"\[").replace("]", r"\]")):
        template(**fields)
