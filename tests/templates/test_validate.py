"""Applying a template checks every part first; each problem names file, template, part, place
and what is allowed, and nothing is applied."""

from __future__ import annotations

from pathlib import Path

import pytest

from herald.apply import apply_definitions
from herald.definitions import DefinitionError, load_files
from herald.models import DEFINITION_ADAPTER
from herald.store import Database


def _problems(tmp_path: Path, text: str) -> list[str]:
    path = tmp_path / "templates.yaml"
    path.write_text(text)
    with pytest.raises(DefinitionError) as raised:
        load_files([path])
    return raised.value.problems


def test_a_syntax_error_names_file_template_part_line_and_column(tmp_path: Path) -> None:
    [problem] = _problems(
        tmp_path,
        "kind: Template\nname: hello\nchannel: EMAIL\nsubject: Hi\n"
        'text: "Hi {{ Address }}\\n  {% if %}yes{% endif %}"\n',
    )
    assert problem.startswith(f"{tmp_path / 'templates.yaml'}: document 1 (Template 'hello'): ")
    assert "text: line 2 column 9: Expected an expression" in problem


def test_an_unknown_filter_is_named_with_a_suggestion_and_the_allowed_ones(
    tmp_path: Path,
) -> None:
    [problem] = _problems(
        tmp_path, "kind: Template\nname: hi\nchannel: SMS\nbody: '{{ Address | upcase }}'\n"
    )
    assert "body: line 1 column 14: unknown filter `upcase`; did you mean `upper`?" in problem
    assert "filters: abs, attr," in problem


def test_variables_no_endpoint_could_have_are_refused(tmp_path: Path) -> None:
    problems = _problems(
        tmp_path,
        """
kind: Template
name: typos
channel: EMAIL
subject: "{{ Atributes.Plan }}"
html: "<p>{{ User.Foo }}</p>"
text: "{{ Demographic.TimeZone }} {{ Adress }} {{ Journey.Step }}"
""",
    )
    where = f"{tmp_path / 'templates.yaml'}: document 1 (Template 'typos'): "
    assert all(p.startswith(where) for p in problems)
    found = "\n".join(p.removeprefix(where) for p in problems)
    assert (
        "subject: line 1 column 4: `Atributes.Plan`: no endpoint has `Atributes`; "
        "did you mean `Attributes`?" in found
    )
    assert "html: line 1 column 7: `User.Foo` is not a variable; User has UserId, " in found
    assert "`Demographic.TimeZone` is not a variable; Demographic has Timezone," in found
    assert "`Adress` is not an endpoint variable; did you mean `Address`?" in found
    assert "`Journey.Step` is not a variable; Journey has Name, Version, StepId" in found


def test_what_any_endpoint_may_have_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "ok.yaml"
    path.write_text(
        """
kind: Template
name: ok
channel: EMAIL
subject: "{{ User.UserAttributes.FirstName | default('there') }}, {{ coupon }}"
text: |
  {% for interest in Attributes.Interests %}{{ interest.upper() }}{{ loop.index }}{% endfor %}
  {{ Attributes['Favourite colour'] }} {{ Metrics.visits }} {{ Location.City }}
  {{ Address.lower() }}
  {% set n = namespace(x=1) %}{{ n.x }} {{ range(2) | list }} {{ Demographic.get('Locale', '-') }}
default_substitutions: {"Attributes.Interests": "none", "coupon": "SAVE10"}
"""
    )
    [template] = load_files([path])
    assert template.kind == "Template"
    assert template.name == "ok"


def test_tags_that_load_other_templates_are_refused(tmp_path: Path) -> None:
    [problem] = _problems(
        tmp_path, "kind: Template\nname: hi\nchannel: SMS\nbody: 'a\n\n  {% include \"x\" %}'\n"
    )
    assert problem.endswith("body: line 2: `{% include %}` is not supported: each template part "
                            "stands alone")  # fmt: skip


def test_default_substitutions_that_could_never_apply_are_refused(tmp_path: Path) -> None:
    problems = _problems(
        tmp_path,
        """
kind: Template
name: defaults
channel: SMS
body: hi
default_substitutions: {"Address": "x", "Journey.Name": "y", "User.UserAttributes.FirstName": "ok"}
""",
    )
    assert len(problems) == 2
    assert "default_substitutions.Address: `Address` always comes from the endpoint" in problems[0]
    assert "default_substitutions.Journey.Name: a dotted default fills" in problems[1]
    assert "allowed: Attributes.<name>" in problems[1]


def test_every_part_of_every_channel_is_checked(tmp_path: Path) -> None:
    problems = _problems(
        tmp_path,
        """
kind: Template
name: push
channel: PUSH
title: "{{ Atributes.X }}"
fcm: {android: {notification: {tag: "{{ Id | nope }}"}}}
---
kind: Template
name: banner
channel: IN_APP
header: hi
buttons: [{text: "{{ User.Id }}"}]
""",
    )
    found = "\n".join(problems)
    assert "(Template 'push'): title: line 1 column 4:" in found
    assert (
        "(Template 'push'): fcm.android.notification.tag: line 1 column 9: unknown filter `nope`"
        in found
    )
    assert "(Template 'banner'): buttons[0].text: line 1 column 4: `User.Id`" in found


async def test_a_journey_step_that_leaves_a_variable_without_value_is_not_applied(
    database: Database,
) -> None:
    documents = [
        {"kind": "Template", "name": "coupon", "channel": "SMS", "body": "Use {{ code }}"},
        {
            "kind": "Journey",
            "name": "promo",
            "start": "send",
            "steps": {
                "send": {"type": "send", "channel": "SMS", "template": "coupon", "next": "bye"},
                "bye": {"type": "exit"},
            },
        },
    ]
    definitions = [DEFINITION_ADAPTER.validate_python(d) for d in documents]
    with pytest.raises(DefinitionError) as raised:
        async with database.session() as session:
            await apply_definitions(session, definitions)
    assert raised.value.problems == [
        "Journey 'promo': steps.send.substitutions: template 'coupon' v1 needs code, which "
        "neither its default_substitutions nor this step gives"
    ]
    documents[1]["steps"]["send"]["substitutions"] = {"code": "SAVE10"}  # type: ignore[index]
    definitions = [DEFINITION_ADAPTER.validate_python(d) for d in documents]
    async with database.session() as session:
        results = await apply_definitions(session, definitions)
    assert [r.describe() for r in results] == [
        "Template coupon v1 applied",
        "Journey promo v1 applied",
    ]
