"""What `herald apply` prints: user text as written (brackets in a problem or a name are not
rich markup), each problem naming the file, the field and what is allowed there, and what
each definition came to (applied, or unchanged)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from herald.cli import app

REPLY = """\
kind: Journey
name: asks
start: ask
steps:
  ask: {type: send, channel: SMS, template: hi, next: wait}
  wait:
    type: wait_for_reply
    after_step: ask
    timeout: P1D
    branches: [{pattern: "([/a-z]+", next: bye}]
  bye: {type: exit}
"""

TEMPLATE = """\
kind: Template
name: hi
channel: EMAIL
subject: Hi
text: Hello
"""


@pytest.fixture
def runner(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.setenv("HERALD_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("HERALD_DATABASE_URL", raising=False)
    return CliRunner()


def test_a_problem_quoting_a_pattern_with_brackets_is_printed_as_is(
    runner: CliRunner, tmp_path: Path
) -> None:
    path = tmp_path / "reply.yaml"
    path.write_text(REPLY)
    result = runner.invoke(app, ["apply", str(path)])
    assert result.exit_code == 2, result.exception
    printed = " ".join(result.stderr.split())
    assert "steps.wait.branches.0" in printed and "([/a-z]+" in printed


def test_a_numbered_steps_field_path_keeps_its_brackets(runner: CliRunner, tmp_path: Path) -> None:
    path = tmp_path / "keys.yaml"
    path.write_text("kind: Journey\nname: keys\nstart: a\nsteps:\n  a: {type: exit}\n  1: {}\n")
    result = runner.invoke(app, ["apply", str(path)])
    assert result.exit_code == 2
    assert "steps.1.[key]" in result.stderr


def write(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text)
    return str(path)


def said(text: str) -> str:
    """Output with rich's line wrapping undone."""
    return " ".join(text.split())


@pytest.mark.parametrize(
    ("document", "problem"),
    [
        (
            "kind: [Journey]\nname: j\n",
            "kind: expected one word, got a list; allowed: Template, Journey, Segment, Endpoint,",
        ),
        (
            TEMPLATE.replace("channel: EMAIL", "channel: [EMAIL]"),
            "channel: expected one word, got a list; allowed: EMAIL, SMS, PUSH, VOICE, IN_APP,",
        ),
    ],
    ids=["kind", "channel"],
)
def test_a_list_where_one_word_goes_names_the_field_and_the_words(
    runner: CliRunner, tmp_path: Path, document: str, problem: str
) -> None:
    # A list in a set of tags was a TypeError: a traceback, and exit 1.
    path = write(tmp_path, "listy.yaml", document)
    result = runner.invoke(app, ["apply", path])
    assert result.exit_code == 2, result.exception
    printed = said(result.stderr)
    assert f"{path}: document 1" in printed and problem in printed
    assert "nothing was applied" in printed


@pytest.mark.parametrize(
    ("document", "problem"),
    [
        (
            "kind: Journey\nname: typo\nstart: send\nsteps:\n"
            "  send: {type: send, template: hi, nxt: stop}\n  stop: {type: exit}\n",
            "steps.send.nxt: unknown field; did you mean `next`? allowed: channel, next, "
            "substitutions, template, template_version, title, type",
        ),
        (
            "kind: Journey\nname: typo\nstart: stop\nsettings: {reentry: {allowed: true}}\n"
            "steps:\n  stop: {type: exit}\n",
            "settings.reentry: unknown field; did you mean `re_entry`? allowed:",
        ),
        (
            "kind: Endpoint\nId: ann\nChannelType: EMAIL\nAddress: a@example.com\n"
            "User: {UserId: ann, UserAtributes: {}}\n",
            "User.UserAtributes: unknown field; did you mean `UserAttributes`? allowed: "
            "UserAttributes, UserId",
        ),
        (
            "kind: Segment\nname: s\nrules: [{type: channel, values: [EMAIL], zzz: 1}]\n",
            "rules.0.zzz: unknown field; allowed: op, type, values",
        ),
    ],
    ids=["send-step", "journey-settings", "endpoint-alias", "no-close-match"],
)
def test_a_misspelt_field_lists_the_fields_allowed_there(
    runner: CliRunner, tmp_path: Path, document: str, problem: str
) -> None:
    # pydantic says only "Extra inputs are not permitted", which sends the user to the docs.
    path = write(tmp_path, "typo.yaml", TEMPLATE + "---\n" + document)
    result = runner.invoke(app, ["apply", path])
    assert result.exit_code == 2
    [line] = [p for p in said(result.stderr).split("error: ") if "unknown field" in p]
    assert line.startswith(f"{path}: document 2") and problem in line


def test_a_json_file_saved_with_a_utf8_bom_is_applied(runner: CliRunner, tmp_path: Path) -> None:
    # "UTF-8 with BOM", as Notepad saves it: JSON's parser refused the file at line 1 column 1.
    body = {"kind": "Endpoint", "Id": "bom", "ChannelType": "EMAIL", "Address": "b@example.com"}
    path = tmp_path / "bom.json"
    path.write_bytes(b"\xef\xbb\xbf" + json.dumps(body).encode())
    result = runner.invoke(app, ["apply", str(path), "--json"])
    assert result.exit_code == 0, result.stderr
    assert [(r["kind"], r["name"]) for r in json.loads(result.stdout)] == [("Endpoint", "bom")]


def test_an_endpoint_applied_again_unchanged_says_so(runner: CliRunner, tmp_path: Path) -> None:
    endpoint = "kind: Endpoint\nId: ann\nChannelType: EMAIL\nAddress: ann@example.com\n"
    path = write(tmp_path, "same.yaml", TEMPLATE + "---\n" + endpoint)
    first = runner.invoke(app, ["apply", path, "--json"])
    assert {r["kind"]: r["changed"] for r in json.loads(first.stdout)} == {
        "Template": True,
        "Endpoint": True,
    }
    again = runner.invoke(app, ["apply", path, "--json"])
    assert {r["kind"]: r["changed"] for r in json.loads(again.stdout)} == {
        "Template": False,
        "Endpoint": False,
    }
    assert "Endpoint ann unchanged" in runner.invoke(app, ["apply", path]).stdout


def test_a_file_without_definitions_is_named_in_a_warning(
    runner: CliRunner, tmp_path: Path
) -> None:
    path = write(tmp_path, "empty.yaml", "# to be written\n")
    result = runner.invoke(app, ["apply", path, "--json"])
    assert result.exit_code == 0
    assert json.loads(result.stdout) == []
    assert f"warning: no definitions found in {path}" in said(result.stderr)
