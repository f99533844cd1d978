"""Rendering templates with Pinpoint-named variables in a sandbox, failing loudly."""

from __future__ import annotations

from typing import Any

import pytest
from jinja2.exceptions import SecurityError

from herald.models import EmailTemplate, Endpoint, SmsTemplate
from herald.templates import TemplateRenderError, build_context, render_template


def _endpoint(**attributes: list[str]) -> Endpoint:
    return Endpoint.model_validate(
        {
            "Id": "ann",
            "ChannelType": "EMAIL",
            "Address": "ann@example.com",
            "User": {"UserId": "u-ann", "UserAttributes": {"FirstName": ["Ann"]}},
            "Attributes": {"Plan": ["pro"], **attributes},
            "Demographic": {"Timezone": "Europe/Paris"},
        }
    )


def _email(**parts: Any) -> EmailTemplate:
    fields: dict[str, Any] = {"name": "welcome", "channel": "EMAIL", "subject": "Hi", **parts}
    return EmailTemplate.model_validate(fields)


def test_pinpoint_variables_render_their_values() -> None:
    template = _email(
        subject="Hello {{ User.UserAttributes.FirstName }}",
        text="Plan {{ Attributes.Plan }} to {{ Address }} ({{ Demographic.Timezone }})",
    )
    rendered = render_template(template, build_context(_endpoint()))
    assert rendered.subject == "Hello Ann"
    assert rendered.text == "Plan pro to ann@example.com (Europe/Paris)"
    assert rendered.html is None


def test_a_list_attribute_renders_its_values_joined() -> None:
    template = _email(text="Into {{ Attributes.Interests }}", html="<p>{{ Attributes.Interests }}")
    rendered = render_template(template, build_context(_endpoint(Interests=["cats", "jazz"])))
    assert rendered.text == "Into cats, jazz"
    assert rendered.html == "<p>cats, jazz"


def test_html_parts_are_escaped_and_text_parts_are_not() -> None:
    template = _email(
        subject="{{ Attributes.Tag }}",
        html="<p>{{ Attributes.Tag }} {{ note }}</p>",
        text="{{ Attributes.Tag }} {{ note }}",
    )
    context = build_context(_endpoint(Tag=["<b>x</b>"]), substitutions={"note": "a & b"})
    rendered = render_template(template, context)
    assert rendered.html == "<p>&lt;b&gt;x&lt;/b&gt; a &amp; b</p>"
    assert rendered.text == "<b>x</b> a & b"
    assert rendered.subject == "<b>x</b>"


def test_default_substitutions_fill_and_message_substitutions_override() -> None:
    template = _email(text="Code {{ coupon }}", default_substitutions={"coupon": "SAVE10"})
    endpoint = _endpoint()
    defaults = template.default_substitutions

    plain = render_template(template, build_context(endpoint, defaults=defaults))
    overridden = render_template(
        template, build_context(endpoint, defaults=defaults, substitutions={"coupon": "VIP50"})
    )
    assert plain.text == "Code SAVE10"
    assert overridden.text == "Code VIP50"


def test_substitutions_cannot_spoof_endpoint_variables() -> None:
    template = _email(text="To {{ Address }}")
    context = build_context(_endpoint(), substitutions={"Address": "evil@example.com"})
    assert render_template(template, context).text == "To ann@example.com"


def test_sms_body_renders() -> None:
    template = SmsTemplate(
        name="sms-hi", channel="SMS", body="Hi {{ User.UserAttributes.FirstName }}"
    )
    assert render_template(template, build_context(_endpoint())).body == "Hi Ann"


def test_a_missing_variable_names_template_and_part() -> None:
    template = _email(text="fine", html="<p>{{ coupon }}</p>")
    with pytest.raises(TemplateRenderError) as raised:
        render_template(template, build_context(_endpoint()))
    message = str(raised.value)
    assert "'welcome'" in message
    assert "(html)" in message
    assert "'coupon' is undefined" in message


def test_a_missing_attribute_is_an_error_not_an_empty_hole() -> None:
    template = _email(text="Plan {{ Attributes.Tier }}")
    with pytest.raises(TemplateRenderError, match=r"'welcome' \(text\).*Tier"):
        render_template(template, build_context(_endpoint()))


def test_a_syntax_error_names_the_line() -> None:
    template = _email(text="Hello\n{{ Address }}\n{% if %}")
    with pytest.raises(TemplateRenderError) as raised:
        render_template(template, build_context(_endpoint()))
    message = str(raised.value)
    assert "'welcome' (text)" in message
    assert "line 3" in message


def test_the_sandbox_refuses_python_internals() -> None:
    template = _email(text="{{ ''.__class__.__mro__[1].__subclasses__() }}")
    with pytest.raises(TemplateRenderError) as raised:
        render_template(template, build_context(_endpoint()))
    assert "'welcome' (text)" in str(raised.value)
    assert "unsafe" in str(raised.value)
    assert isinstance(raised.value.__cause__, SecurityError)
