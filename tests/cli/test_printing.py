"""The CLI prints user text as written: brackets in a problem or a name are not rich markup."""

from __future__ import annotations

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
