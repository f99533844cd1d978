"""Rendering templates with Pinpoint-named variables in a sandbox, failing loudly."""

from __future__ import annotations

from typing import Any

import pytest

from herald.models import EmailTemplate, Endpoint, SmsTemplate
from herald.templates import (
    TemplateRenderError,
    build_context,
    render_message,
    render_template,
)


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
    assert "`coupon` has no value" in message
    assert "default_substitutions" in message


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


def test_a_missing_nested_attribute_is_named_by_its_path() -> None:
    template = _email(text="Hi {{ User.UserAttributes.LastName }}")
    with pytest.raises(TemplateRenderError, match=r"`User.UserAttributes.LastName` has no value"):
        render_template(template, build_context(_endpoint()))


def test_a_dotted_default_fills_an_attribute_the_endpoint_lacks() -> None:
    template = _email(
        text="{{ User.UserAttributes.FirstName }} {{ User.UserAttributes.LastName }}: "
        "{{ Attributes.Tier }}",
        default_substitutions={
            "User.UserAttributes.FirstName": "friend",
            "User.UserAttributes.LastName": "Doe",
            "Attributes.Tier": "gold",
        },
    )
    rendered = render_message(template, _endpoint())
    assert rendered.text == "Ann Doe: gold"  # the endpoint's own FirstName wins


def test_a_message_substitution_beats_the_template_default_but_not_the_endpoint() -> None:
    template = _email(
        text="{{ Attributes.Tier }} {{ Attributes.Plan }}",
        default_substitutions={"Attributes.Tier": "gold"},
    )
    given = {"Attributes.Tier": "platinum", "Attributes.Plan": "free"}
    assert render_message(template, _endpoint(), substitutions=given).text == "platinum pro"


def test_a_missing_value_is_false_in_a_test_and_never_printed() -> None:
    template = _email(
        text="{% if User.UserAttributes.Nickname %}Yo{% else %}Hello{% endif %} "
        "{{ Attributes.Nickname or 'friend' }}"
        "{% if 'vip' in Attributes.Tags %}!{% endif %}"
    )
    assert render_message(template, _endpoint()).text == "Hello friend"


def test_an_attribute_compares_equal_to_its_text() -> None:
    template = _email(
        text="{% if Attributes.Plan == 'pro' %}PRO{% endif %}"
        "{% if Attributes.Interests != 'cats' %} many{% endif %} {{ Attributes.Interests[1] }}"
    )
    assert render_message(template, _endpoint(Interests=["cats", "jazz"])).text == "PRO many jazz"


def test_an_attribute_named_like_a_dict_method_is_the_attribute() -> None:
    template = _email(text="{{ Attributes.items }} {{ Attributes.values }}")
    rendered = render_message(template, _endpoint(items=["3 books"], values=["kindness"]))
    assert rendered.text == "3 books kindness"


def test_journey_variables_render_and_are_missing_outside_a_journey() -> None:
    template = _email(text="{{ Journey.Name }}/{{ Journey.StepId }} v{{ Journey.Version }}")
    journey = {"Name": "welcome", "Version": 2, "StepId": "first"}
    assert render_message(template, _endpoint(), journey=journey).text == "welcome/first v2"
    with pytest.raises(TemplateRenderError, match="`Journey` has no value"):
        render_message(template, _endpoint())


def test_campaign_variables_render() -> None:
    template = _email(text="{{ Campaign.Name }} {{ Campaign.TreatmentId }}")
    campaign = {"Name": "spring-sale", "TreatmentId": "b"}
    assert render_message(template, _endpoint(), campaign=campaign).text == "spring-sale b"


def test_location_demographic_metrics_and_ids_render() -> None:
    endpoint = Endpoint.model_validate(
        {
            "Id": "bob",
            "ChannelType": "SMS",
            "Address": "+14155550100",
            "Location": {"City": "Lyon", "Country": "fr"},
            "Demographic": {"Platform": "ios"},
            "Metrics": {"visits": 3},
        }
    )
    template = _email(
        text="{{ Id }} {{ ChannelType }} {{ Address }} {{ Location.City }} {{ Location.Country }} "
        "{{ Demographic.Platform }} {{ Metrics.visits | int }}"
    )
    assert render_message(template, endpoint).text == "bob SMS +14155550100 Lyon FR ios 3"


def test_a_value_that_breaks_an_operation_fails_naming_the_part() -> None:
    template = _email(text="ok", subject="{{ Attributes.Plan + 1 }}")
    with pytest.raises(TemplateRenderError, match=r"'welcome' \(subject\)"):
        render_message(template, _endpoint())


def test_jinja_globals_work_in_a_template() -> None:
    template = _email(text="{{ range(3) | list }} {% set n = namespace(k=2) %}{{ n.k }}")
    assert render_message(template, _endpoint()).text == "[0, 1, 2] 2"
