"""`herald` commands as a user types them (in process, against a SQLite file)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from herald.cli import app

GOOD = """
kind: Template
name: hi
channel: EMAIL
subject: Hi {{ User.UserAttributes.FirstName }}
text: Hello
---
kind: Endpoint
Id: ann
ChannelType: EMAIL
Address: ann@example.com
---
kind: Journey
name: hello
start: send
steps:
  send: {type: send, template: hi, next: stop}
  stop: {type: exit}
"""

BAD_STEP = """
kind: Endpoint
Id: bob
ChannelType: EMAIL
Address: bob@example.com
---
kind: Journey
name: broken
start: send
steps:
  send: {type: sned, template: hi}
"""


@pytest.fixture
def runner(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.setenv("HERALD_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("HERALD_DATABASE_URL", raising=False)
    return CliRunner()


def write(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text)
    return str(path)


def test_apply_reports_each_resource_and_is_idempotent(runner: CliRunner, tmp_path: Path) -> None:
    path = write(tmp_path, "good.yaml", GOOD)
    first = runner.invoke(app, ["apply", path])
    assert first.exit_code == 0, first.output
    assert "Journey hello v1 applied" in first.output
    again = runner.invoke(app, ["apply", path, "--json"])
    results = json.loads(again.stdout)
    assert {(r["kind"], r["name"], r["changed"]) for r in results if r["kind"] == "Journey"} == {
        ("Journey", "hello", False)
    }


def test_invalid_definition_exits_2_names_file_field_and_allowed_values(
    runner: CliRunner, tmp_path: Path
) -> None:
    path = write(tmp_path, "bad.yaml", BAD_STEP)
    result = runner.invoke(app, ["apply", path])
    assert result.exit_code == 2
    assert path in result.stderr
    assert "steps.send" in result.stderr
    assert "'send', 'wait', 'wait_for_event'" in result.stderr
    assert "nothing was applied" in result.stderr
    # The valid endpoint in the same file was not applied either.
    listed = runner.invoke(app, ["events", "put", "--endpoint", "bob", "--type", "x"])
    assert listed.exit_code == 2
    assert "endpoint 'bob' does not exist" in listed.stderr


def test_malformed_yaml_names_the_line(runner: CliRunner, tmp_path: Path) -> None:
    path = write(tmp_path, "broken.yaml", "kind: Journey\nsteps: [unclosed\n")
    result = runner.invoke(app, ["apply", path])
    assert result.exit_code == 2
    assert f"{path}: line" in result.stderr


def test_the_same_journey_in_two_files_exits_2_naming_both(
    runner: CliRunner, tmp_path: Path
) -> None:
    first = write(tmp_path, "first.yaml", GOOD)
    second = write(
        tmp_path, "second.yaml", GOOD.split("---")[-1].replace("stop}", "stop, title: b}")
    )
    result = runner.invoke(app, ["apply", first, second])
    assert result.exit_code == 2, result.output
    assert f"{second}: document 1 (Journey 'hello'): name: also defined in {first}: document 3" in (
        result.stderr
    )
    assert "nothing was applied" in result.stderr


def test_a_file_that_is_not_utf8_exits_2_naming_it(runner: CliRunner, tmp_path: Path) -> None:
    path = tmp_path / "latin1.yaml"
    path.write_bytes(GOOD.replace("Hello", "Caf\xe9").encode("latin-1"))
    result = runner.invoke(app, ["apply", str(path)])
    assert result.exit_code == 2, repr(result.exception)
    assert f"{path}: line 6: byte 0xe9 is not UTF-8" in result.stderr


def test_events_put_and_outbox_list_json(runner: CliRunner, tmp_path: Path) -> None:
    assert runner.invoke(app, ["apply", write(tmp_path, "g.yaml", GOOD)]).exit_code == 0
    put = runner.invoke(app, ["events", "put", "--endpoint", "ann", "--type", "purchase"])
    assert put.exit_code == 0, put.output
    bad_attr = runner.invoke(
        app, ["events", "put", "--endpoint", "ann", "--type", "p", "--attr", "x"]
    )
    assert bad_attr.exit_code == 2
    assert "expected KEY=VALUE" in bad_attr.stderr
    listed = runner.invoke(app, ["outbox", "list", "--json"])
    assert listed.exit_code == 0
    assert json.loads(listed.stdout) == []


def test_journeys_list_json_shows_latest_version(runner: CliRunner, tmp_path: Path) -> None:
    assert runner.invoke(app, ["apply", write(tmp_path, "g.yaml", GOOD)]).exit_code == 0
    changed = GOOD.replace("steps:\n  send:", "description: v2\nsteps:\n  send:")
    assert runner.invoke(app, ["apply", write(tmp_path, "g2.yaml", changed)]).exit_code == 0
    listed = runner.invoke(app, ["journeys", "list", "--json"])
    assert listed.exit_code == 0, listed.output
    [journey] = json.loads(listed.stdout)
    assert (journey["journey"]["name"], journey["version"]) == ("hello", 2)
    assert journey["journey"]["description"] == "v2"
