"""Pinpoint's Handlebars, translated to Jinja2, renders what Pinpoint rendered."""

from __future__ import annotations

import pytest

from herald.models import Endpoint, SmsTemplate
from herald.pinpoint.handlebars import to_jinja
from herald.pinpoint.handlebars_syntax import HandlebarsError
from herald.templates import build_context, render_message, template_problems
from herald.templates.render import render_part

JANE = Endpoint.model_validate(
    {
        "Id": "jane",
        "ChannelType": "SMS",
        "Address": "+14155550100",
        "User": {"UserId": "u-1", "UserAttributes": {"FirstName": ["Jane"]}},
        "Attributes": {
            "FavoriteColors": ["red", "blue"],
            "Plan": ["pro"],
            "plan type": ["annual"],
            "Html": ["<b>bold</b>"],
        },
        "Metrics": {"score": 7},
    }
)


def render(handlebars: str, endpoint: Endpoint = JANE, *, html: bool = False) -> str:
    jinja = to_jinja(handlebars, html=html)
    template = SmsTemplate(name="t", channel="SMS", body=jinja)
    assert template_problems(template) == []
    body = render_message(template, endpoint).body
    assert body is not None
    return body


@pytest.mark.parametrize(
    ("handlebars", "expected"),
    [
        ("Hi {{User.UserAttributes.FirstName}}!", "Hi Jane!"),
        ("Hi {{ User.UserAttributes.FirstName.[0] }}", "Hi Jane"),
        ("{{Attributes.[plan type]}} {{Attributes/Plan}}", "annual pro"),
        (
            "{{#if User.UserAttributes.FirstName.[0]}}\n"
            "Hello {{User.UserAttributes.FirstName.[0]}},\n{{else}}\nHello,\n{{/if}}\nBye",
            "Hello Jane,\nBye",
        ),
        ("{{#if User.UserAttributes.Nickname}}yo{{else}}hello{{/if}}", "hello"),
        ("{{#unless Attributes.Vip}}not vip{{/unless}}", "not vip"),
        (
            "{{#each Attributes.FavoriteColors}}<li>{{@index}}:{{this}}</li>{{/each}}",
            "<li>0:red</li><li>1:blue</li>",
        ),
        (
            "{{#each Attributes.None}}x{{else}}You have no favorite colors.{{/each}}",
            "You have no favorite colors.",
        ),
        ("{{#each Attributes.Plan}}{{this}} for {{../User.UserId}}{{/each}}", "pro for u-1"),
        ('{{#eq Attributes.Plan "pro"}}PRO{{else}}basic{{/eq}}', "PRO"),
        (
            '{{#if (eq Attributes.Plan "free")}}free{{else if (gt Metrics.score 5)}}high{{/if}}',
            "high",
        ),
        (
            "{{#and Attributes.Plan Metrics.score}}both{{/and}}{{#or Attributes.X Attributes.Y}}"
            "any{{else}}neither{{/or}}",
            "bothneither",
        ),
        ("{{upper User.UserAttributes.FirstName}} {{lower Attributes.Plan}}", "JANE pro"),
        ('{{join Attributes.FavoriteColors " & "}}', "red & blue"),
        ('{{defaultIfEmpty Attributes.Missing "friend"}}', "friend"),
        ("{{abbreviate Attributes.[plan type] 5}}", "an..."),
        ('{{cut Attributes.[plan type] "n"}}', "aual"),
        ("a {{! a comment }}b{{!-- {{ not a tag }} --}}c", "a bc"),
        ("x  {{~User.UserId~}}  y", "xu-1y"),
        ("literal {% and {# and \\{{not a variable}}", "literal {% and {# and {{not a variable}}"),
    ],
)
def test_a_translated_template_renders_as_pinpoint_did(handlebars: str, expected: str) -> None:
    assert render(handlebars) == expected


def test_html_parts_escape_double_braces_and_not_triple_ones() -> None:
    jinja = to_jinja("{{Attributes.Html}} {{{Attributes.Html}}} {{&Attributes.Html}}", html=True)
    template = SmsTemplate(name="t", channel="SMS", body=jinja)
    assert template_problems(template) == []
    html = render_part("t", "html", jinja, build_context(JANE), html=True)
    assert html == "&lt;b&gt;bold&lt;/b&gt; <b>bold</b> <b>bold</b>"


@pytest.mark.parametrize(
    ("handlebars", "problem"),
    [
        ('Today: {{dateFormat now "yyyy"}}', "line 1 column 8: Handlebars helper `dateFormat` has"),
        ("{{now}}", "line 1 column 1: Handlebars helper `now` has no Herald translation"),
        ("a\n {{#with User}}x{{/with}}", "line 2 column 2: Handlebars helper `with` has no"),
        ("{{capitalizeFirst Attributes.Plan}}", "helper `capitalizeFirst` has no Herald"),
        ("{{> footer}}", "partials and decorators have no translation"),
        ("{{#if Attributes.Plan}}x", "line 1 column 1: `{{#if Attributes.Plan}}` is never closed"),
        ("{{#if a}}x{{/each}}", "`{{/each}}` closes `{{#if}}`"),
        ("{{Attributes.Plan", "`{{` is never closed"),
        ("{{this}}", "`this` outside {{#each}}"),
        ("a {{ }} b", "line 1 column 3: an empty `{{}}`"),
        ("{{@root.[not a name]}}", "`not a name` is not a name Jinja can read"),
        ('{{join Attributes.Plan sep=", "}}', 'hash argument `sep=", "` has no translation'),
    ],
)
def test_what_has_no_translation_fails_naming_it_and_where(handlebars: str, problem: str) -> None:
    with pytest.raises(HandlebarsError) as raised:
        to_jinja(handlebars, html=False)
    assert problem in str(raised.value)
