"""Definition files: YAML and JSON load into models; every problem names file, path, fix."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from herald.client import HeraldClient
from herald.definitions import DefinitionError, load_file, load_files
from herald.models import (
    DEFINITION_ADAPTER,
    Definition,
    EmailTemplate,
    EndpointDefinition,
    Journey,
    SendStep,
    WaitStep,
)
from herald.settings import Settings
from herald.store import Database
from herald.store.journeys import get_journey
from herald.unknown_fields import unknown_field

ENDPOINT_YAML = """\
kind: Endpoint
Id: ann
ChannelType: EMAIL
Address: ann@example.com
User:
  UserId: u-ann
  UserAttributes:
    FirstName: [Ann]
Attributes:
  Plan: [pro]
Demographic:
  Timezone: Europe/Paris
"""

TEMPLATE_YAML = """\
kind: Template
name: hello
channel: EMAIL
subject: Hello {{ User.UserAttributes.FirstName }}
text: Plan {{ Attributes.Plan }}
"""

JOURNEY_YAML = """\
kind: Journey
name: onboarding
start: first
steps:
  first: {type: send, template: hello, next: nap}
  nap: {type: wait, duration: P3D, next: bye}
  bye: {type: exit}
"""


def _journey_yaml(steps: str, start: str = "first") -> str:
    return f"kind: Journey\nname: broken\nstart: {start}\nsteps:\n{steps}"


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def _problems(*paths: Path) -> list[str]:
    with pytest.raises(DefinitionError) as raised:
        load_files(paths)
    assert raised.value.problems, "a DefinitionError must say what is wrong"
    assert str(raised.value) == "\n".join(raised.value.problems)
    return raised.value.problems


def test_multi_document_yaml_loads_every_kind(tmp_path: Path) -> None:
    path = _write(tmp_path / "all.yaml", "---\n".join([ENDPOINT_YAML, TEMPLATE_YAML, JOURNEY_YAML]))
    endpoint, template, journey = load_files([path])

    assert isinstance(endpoint, EndpointDefinition)
    loaded = endpoint.to_endpoint()
    assert (loaded.id, loaded.address, loaded.user_id) == ("ann", "ann@example.com", "u-ann")
    assert loaded.user is not None and loaded.user.user_attributes == {"FirstName": ["Ann"]}
    assert loaded.attributes == {"Plan": ["pro"]}
    assert loaded.demographic.timezone == "Europe/Paris"
    assert isinstance(template, EmailTemplate)
    assert template.subject == "Hello {{ User.UserAttributes.FirstName }}"
    assert isinstance(journey, Journey)
    assert list(journey.steps) == ["first", "nap", "bye"]
    assert isinstance(journey.steps["first"], SendStep)
    assert isinstance(journey.steps["nap"], WaitStep)
    assert journey.steps["nap"].duration == timedelta(days=3)


def test_json_file_with_one_object_loads(tmp_path: Path) -> None:
    document = {"kind": "Template", "name": "sms-hi", "channel": "SMS", "body": "Hi"}
    path = _write(tmp_path / "one.json", json.dumps(document))
    assert load_files([path]) == [DEFINITION_ADAPTER.validate_python(document)]


def test_json_file_with_a_list_loads(tmp_path: Path) -> None:
    documents: list[dict[str, Any]] = [
        {"kind": "Endpoint", "Id": "bob", "ChannelType": "SMS", "Address": "+15550100"},
        {"kind": "Segment", "name": "vips", "endpoint_ids": ["bob"]},
    ]
    path = _write(tmp_path / "many.json", json.dumps(documents))
    assert [(d.kind, getattr(d, "name", None)) for d in load_files([path])] == [
        ("Endpoint", None),
        ("Segment", "vips"),
    ]


def test_malformed_yaml_names_file_and_line(tmp_path: Path) -> None:
    path = _write(tmp_path / "bad.yaml", "kind: Template\nname: [hello\nchannel: EMAIL\n")
    [problem] = _problems(path)
    assert str(path) in problem
    assert "line 3" in problem
    assert "not valid YAML" in problem


def test_malformed_json_names_file_and_line(tmp_path: Path) -> None:
    path = _write(tmp_path / "bad.json", '{\n  "kind": "Template",\n  "name": \n}')
    [problem] = _problems(path)
    assert str(path) in problem
    assert "line 4" in problem


def test_unknown_step_type_lists_the_allowed_ones(tmp_path: Path) -> None:
    steps = "  first: {type: sned, template: hello}\n"
    path = _write(tmp_path / "journey.yaml", _journey_yaml(steps))
    [problem] = _problems(path)
    assert str(path) in problem
    assert "Journey 'broken'" in problem
    assert "steps.first" in problem
    assert "'sned'" in problem
    assert "'send', 'wait', 'wait_for_event'" in problem


def test_next_naming_a_missing_step_lists_the_steps(tmp_path: Path) -> None:
    steps = "  first: {type: send, template: hello, next: nowhere}\n  bye: {type: exit}\n"
    path = _write(tmp_path / "journey.yaml", _journey_yaml(steps))
    dangling, unreachable = _problems(path)
    assert str(path) in dangling
    assert "steps.first.next: 'nowhere' is not a step" in dangling
    assert "['bye', 'first']" in dangling
    assert unreachable.endswith("steps.bye: unreachable from start 'first'")


def test_a_start_that_is_not_a_step_is_rejected(tmp_path: Path) -> None:
    path = _write(tmp_path / "journey.yaml", _journey_yaml("  bye: {type: exit}\n", "first"))
    [problem] = _problems(path)
    assert "start: 'first' is not a step" in problem


def test_a_loop_with_no_wait_is_rejected(tmp_path: Path) -> None:
    steps = (
        "  first: {type: send, template: hello, next: tag}\n"
        "  tag: {type: update, set: {seen: ['1']}, next: first}\n"
    )
    path = _write(tmp_path / "journey.yaml", _journey_yaml(steps))
    [problem] = _problems(path)
    assert str(path) in problem
    assert "loop with no wait (first -> tag -> first)" in problem


def test_a_loop_through_a_wait_is_allowed(tmp_path: Path) -> None:
    steps = (
        "  first: {type: send, template: hello, next: nap}\n"
        "  nap: {type: wait, duration: P1D, next: first}\n"
    )
    [journey] = load_files([_write(tmp_path / "journey.yaml", _journey_yaml(steps))])
    assert journey.kind == "Journey"


def test_a_missing_kind_lists_the_allowed_kinds(tmp_path: Path) -> None:
    path = _write(tmp_path / "nokind.yaml", "name: hello\nchannel: EMAIL\nsubject: Hi\n")
    [problem] = _problems(path)
    assert str(path) in problem
    assert "document 1" in problem
    assert "kind: missing; allowed: Campaign, Endpoint, Journey, Segment, Template" in problem


def test_an_unreadable_wait_duration_names_its_field(tmp_path: Path) -> None:
    steps = "  nap: {type: wait, duration: soon, next: bye}\n  bye: {type: exit}\n"
    path = _write(tmp_path / "journey.yaml", _journey_yaml(steps, "nap"))
    [problem] = _problems(path)
    assert str(path) in problem
    assert "steps.nap.duration:" in problem


def test_an_unreadable_wait_duration_is_reported(tmp_path: Path) -> None:
    steps = "  nap: {type: wait, duration: soon, next: bye}\n  bye: {type: exit}\n"
    path = _write(tmp_path / "journey.yaml", _journey_yaml(steps, "nap"))
    [problem] = _problems(path)
    assert str(path) in problem
    assert "steps.nap." in problem
    assert "duration" in problem
    assert "timedelta" in problem


def test_only_the_bad_file_is_reported(tmp_path: Path) -> None:
    good = _write(tmp_path / "good.yaml", TEMPLATE_YAML)
    bad = _write(tmp_path / "bad.yaml", "kind: Template\nname: other\nchannel: FAX\n")
    problems = _problems(good, bad)
    assert all(p.startswith(f"{bad}:") for p in problems), problems
    assert not any(str(good) in p for p in problems)


def test_every_problem_of_every_document_is_reported(tmp_path: Path) -> None:
    text = "kind: Template\nname: Bad Name\nchannel: SMS\nbody: hi\n---\nname: nokind\n"
    problems = _problems(_write(tmp_path / "two.yaml", text))
    assert len(problems) == 2
    assert "document 1" in problems[0] and "name:" in problems[0]
    assert "document 2" in problems[1] and "kind: missing" in problems[1]


def test_a_directory_loads_its_definition_files(tmp_path: Path) -> None:
    _write(tmp_path / "b_journey.yaml", JOURNEY_YAML)
    _write(tmp_path / "a_segment.json", json.dumps({"kind": "Segment", "name": "all"}))
    _write(tmp_path / "c_endpoint.yml", ENDPOINT_YAML)
    _write(tmp_path / "notes.txt", "not a definition: [")
    loaded = load_files([tmp_path])
    assert [d.kind for d in loaded] == ["Segment", "Journey", "Endpoint"]


def test_a_missing_file_is_reported(tmp_path: Path) -> None:
    missing = tmp_path / "absent.yaml"
    assert _problems(missing) == [f"{missing}: no such file"]


def test_a_step_given_twice_is_refused_naming_its_line(tmp_path: Path) -> None:
    # PyYAML would keep the last `nap` and drop the first, with its `next`, unseen.
    steps = (
        "  first: {type: send, template: hello, next: nap}\n"
        "  nap: {type: wait, duration: P1D, next: bye}\n"
        "  nap: {type: exit}\n"
        "  bye: {type: exit}\n"
    )
    path = _write(tmp_path / "journey.yaml", _journey_yaml(steps))
    assert _problems(path) == [
        f"{path}: line 7 column 3: duplicate key 'nap' (first on line 6); a key may appear "
        "once in a mapping, or the earlier value would be lost"
    ]


def test_a_key_overriding_a_merged_one_is_not_a_repeat(tmp_path: Path) -> None:
    steps = (
        "  first: &send {type: send, template: hello, next: again}\n"
        "  again: {<<: *send, next: bye}\n"
        "  bye: {type: exit}\n"
    )
    [journey] = load_files([_write(tmp_path / "journey.yaml", _journey_yaml(steps))])
    assert isinstance(journey, Journey)
    again = journey.steps["again"]
    assert isinstance(again, SendStep) and again.next == "bye"


def test_a_key_given_twice_in_json_is_refused_naming_its_line(tmp_path: Path) -> None:
    text = (
        '{"kind": "Template", "name": "sms-hi", "channel": "SMS",\n'
        ' "body": "Hi",\n'
        ' "body": "Bye"}\n'
    )
    path = _write(tmp_path / "one.json", text)
    assert _problems(path) == [
        f"{path}: line 3 column 2: duplicate key 'body' (first on line 2); a key may appear "
        "once in an object, or the earlier value would be lost"
    ]


def test_documents_are_numbered_as_in_the_file_empty_ones_too(tmp_path: Path) -> None:
    text = f"{TEMPLATE_YAML}---\n# to be written\n---\nkind: Segment\nname: Bad Name\n"
    [problem] = _problems(_write(tmp_path / "three.yaml", text))
    assert problem.startswith(f"{tmp_path / 'three.yaml'}: document 3 (Segment 'Bad Name'): name:")


@pytest.mark.parametrize(
    ("kind", "first", "again"),
    [
        ("Journey", JOURNEY_YAML, JOURNEY_YAML.replace("P3D", "P5D")),
        ("Template", TEMPLATE_YAML, TEMPLATE_YAML.replace("subject: Hello", "subject: Hi")),
        ("Endpoint", ENDPOINT_YAML, ENDPOINT_YAML.replace("ann@", "ann.b@")),
    ],
)
def test_a_definition_given_twice_in_one_file_is_refused(
    tmp_path: Path, kind: str, first: str, again: str
) -> None:
    path = _write(
        tmp_path / "twice.yaml", f"{first}---\n{TEMPLATE_YAML.replace('hello', 'x')}---\n{again}"
    )
    [problem] = _problems(path)
    assert problem.startswith(f"{path}: document 3 ({kind} ")
    assert f"also defined in {path}: document 1" in problem


def test_a_definition_given_in_two_files_is_refused_naming_both(tmp_path: Path) -> None:
    one = _write(tmp_path / "one.yaml", JOURNEY_YAML)
    two = _write(tmp_path / "two.yaml", f"{TEMPLATE_YAML}---\n{JOURNEY_YAML}")
    assert _problems(one, two) == [
        f"{two}: document 2 (Journey 'onboarding'): name: also defined in {one}: document 1; "
        "one apply takes each Journey once: remove one of them, or change its name"
    ]


def test_a_file_named_twice_is_read_once(tmp_path: Path) -> None:
    path = _write(tmp_path / "journey.yaml", JOURNEY_YAML)
    assert [d.kind for d in load_files([tmp_path, path])] == ["Journey"]


def test_a_file_that_is_not_utf8_is_reported_with_its_line(tmp_path: Path) -> None:
    path = tmp_path / "latin1.yaml"
    path.write_bytes(TEMPLATE_YAML.replace("Hello", "Caf\xe9").encode("latin-1"))
    assert _problems(path) == [f"{path}: line 4: byte 0xe9 is not UTF-8; save the file as UTF-8"]


async def test_apply_rejects_a_journey_whose_template_does_not_exist(
    tmp_path: Path, sqlite_database: Database
) -> None:
    herald = HeraldClient(Settings(database_url=sqlite_database.url), sqlite_database)
    path = _write(tmp_path / "batch.yaml", "---\n".join([ENDPOINT_YAML, JOURNEY_YAML]))

    with pytest.raises(DefinitionError) as raised:
        await herald.apply(load_files([path]))

    [problem] = raised.value.problems
    assert "Journey 'onboarding'" in problem
    assert "steps.first.template: 'hello' does not exist" in problem
    assert await herald.get_endpoint("ann") is None, "the batch must apply all or nothing"
    async with sqlite_database.session() as session:
        assert await get_journey(session, "onboarding") is None


async def test_apply_accepts_the_journey_with_its_template(
    tmp_path: Path, sqlite_database: Database
) -> None:
    herald = HeraldClient(Settings(database_url=sqlite_database.url), sqlite_database)
    text = "---\n".join([JOURNEY_YAML, TEMPLATE_YAML, ENDPOINT_YAML])
    results = await herald.apply(load_files([_write(tmp_path / "batch.yaml", text)]))

    assert [r.describe() for r in results] == [
        "Endpoint ann applied",
        "Template hello v1 applied",
        "Journey onboarding v1 applied",
    ]
    assert await herald.get_endpoint("ann") is not None


async def test_a_journey_naming_a_missing_segment_is_refused_with_its_path(
    sqlite_database: Database,
) -> None:
    client = HeraldClient(Settings(database_url=sqlite_database.url), sqlite_database)
    journey = DEFINITION_ADAPTER.validate_python(
        {
            "kind": "Journey",
            "name": "vip-only",
            "start": "check",
            "settings": {"entry": {"event": {"event_type": "x", "segment": "ghosts"}}},
            "steps": {
                "check": {
                    "type": "split",
                    "conditions": [{"kind": "segment", "segment": "vips"}],
                    "yes": "done",
                },
                "done": {"type": "exit"},
            },
        }
    )
    with pytest.raises(DefinitionError) as refused:
        await client.apply([journey])
    assert refused.value.problems == [
        "Journey 'vip-only': settings.entry.event.segment: segment 'ghosts' does not exist; "
        "apply it first or with it",
        "Journey 'vip-only': steps.check.conditions.0.segment: segment 'vips' does not exist; "
        "apply it first or with it",
    ]


def test_a_file_that_cannot_be_read_is_named_with_why(tmp_path: Path) -> None:
    """Root reads any file, so the test makes reading fail another way: a directory named
    like a definition file, given as one."""
    path = tmp_path / "odd.yaml"
    path.mkdir()
    with pytest.raises(DefinitionError) as raised:
        load_file(path)
    assert raised.value.problems == [f"{path}: cannot be read: Is a directory"]


def test_an_unknown_field_is_told_the_fields_of_the_model_found_at_its_place() -> None:
    found = unknown_field(Definition, ("Journey", "steps", "a", "send", "nxt"))
    assert str(found).startswith("unknown field; did you mean `next`? allowed: channel, next,")
    # No model there (a tag no member has, a kind that is none): the caller keeps pydantic's.
    assert unknown_field(Definition, ("Journey", "steps", "a", "sned", "x")) is None
    assert unknown_field(Definition, ("Nothing", "x")) is None
