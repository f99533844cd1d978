"""`herald pinpoint import FILE --kind journey` from the command line: applied under the
request's Name or --name, written out with --out, and a bad name or timezone refused."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from herald.cli import app
from tests.pinpoint.journey_requests import ONE_EMAIL, request


def import_hi_template(runner: CliRunner, tmp_path: Path) -> None:
    """The template the journeys here send, imported from Pinpoint under the name `hi`."""
    template = tmp_path / "hi.json"
    template.write_text(json.dumps({"Subject": "Hi", "TextPart": "Hello"}))
    args = ["pinpoint", "import", str(template), "--kind", "email-template", "--name", "hi"]
    assert runner.invoke(app, args).exit_code == 0


@pytest.fixture
def runner(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.setenv("HERALD_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("HERALD_DATABASE_URL", raising=False)
    return CliRunner()


def test_import_applies_the_journey_named_after_the_files_name(
    runner: CliRunner, tmp_path: Path
) -> None:
    import_hi_template(runner, tmp_path)
    source = tmp_path / "journey.json"
    document = request(
        ONE_EMAIL,
        Name="Welcome Series",
        Schedule={"Timezone": "UTC+05:30"},
        QuietTime={"Start": "22:00", "End": "07:00"},
    )
    source.write_text(json.dumps(document))
    result = runner.invoke(app, ["pinpoint", "import", str(source), "--kind", "journey"])
    assert result.exit_code == 0, result.output
    assert "Journey welcome-series v1 applied" in result.stdout
    listed = json.loads(runner.invoke(app, ["journeys", "list", "--json"]).stdout)
    [journey] = [j["journey"] for j in listed]
    assert journey["name"] == "welcome-series"
    assert journey["settings"]["schedule"]["timezone"] == "UTC+05:30"
    assert journey["steps"]["hi"]["template"] == "hi"
    renamed = ["pinpoint", "import", str(source), "--kind", "journey", "--name", "other"]
    assert "Journey other v1 applied" in runner.invoke(app, renamed).stdout


def test_a_draft_written_out_stays_a_draft_when_applied(runner: CliRunner, tmp_path: Path) -> None:
    import_hi_template(runner, tmp_path)
    source, written = tmp_path / "journey.json", tmp_path / "journey.yaml"
    source.write_text(json.dumps(request(ONE_EMAIL, State="DRAFT")))
    args = ["pinpoint", "import", str(source), "--kind", "journey", "--out", str(written)]
    assert runner.invoke(app, args).exit_code == 0
    assert runner.invoke(app, ["apply", str(written)]).exit_code == 0
    [listed] = json.loads(runner.invoke(app, ["journeys", "list", "--json"]).stdout)
    assert listed["state"] == "DRAFT"


def test_import_without_a_name_anywhere_says_to_give_one(runner: CliRunner, tmp_path: Path) -> None:
    source = tmp_path / "journey.json"
    source.write_text(json.dumps({k: v for k, v in request(ONE_EMAIL).items() if k != "Name"}))
    result = runner.invoke(app, ["pinpoint", "import", str(source), "--kind", "journey"])
    assert result.exit_code == 2
    assert f"{source}: $.Name: absent; give the Herald name with --name" in result.stderr


def test_apply_refuses_an_unknown_journey_timezone_naming_the_field(
    runner: CliRunner, tmp_path: Path
) -> None:
    path = tmp_path / "j.yaml"
    path.write_text(
        "kind: Journey\nname: zoned\nstart: hi\n"
        "steps: {hi: {type: send, template: hi}}\n"
        "settings: {schedule: {timezone: Mars/Olympus}}\n"
    )
    result = runner.invoke(app, ["apply", str(path)])
    assert result.exit_code == 2
    assert "settings.schedule.timezone" in result.stderr
    assert "unknown timezone 'Mars/Olympus'" in result.stderr
    assert "UTC+05:30" in result.stderr


def test_a_malformed_request_exits_2_with_each_problem_naming_the_file_and_path(
    runner: CliRunner, tmp_path: Path
) -> None:
    source = tmp_path / "journey.json"
    branches = [{"Percentage": "50", "NextActivity": "hi"}, "half"]
    source.write_text(
        json.dumps(request({"ab": {"RandomSplit": {"Branches": branches}}, "gone": None}))
    )
    result = runner.invoke(app, ["pinpoint", "import", str(source), "--kind", "journey"])
    assert result.exit_code == 2, repr(result.exception)
    assert result.stderr.splitlines() == [
        f"error: {source}: $.Activities.ab.RandomSplit.Branches.0.Percentage: expected an "
        'integer, got a string ("50")',
        f"error: {source}: $.Activities.ab.RandomSplit.Branches.1: expected an object "
        '(RandomSplitEntry), got a string ("half")',
        f"error: {source}: $.Activities.gone: expected an object (Activity), got null",
    ]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b'{"Name": "Caf\xe9"}', "byte 13 (0xe9) is not UTF-8; save the file as UTF-8"),
        (None, "is a directory; give the JSON file of one Pinpoint request"),
    ],
)
def test_a_file_that_is_not_utf8_json_or_not_a_file_exits_2_naming_it(
    runner: CliRunner, tmp_path: Path, content: bytes | None, message: str
) -> None:
    source = tmp_path / "journey.json"
    if content is None:
        source.mkdir()
    else:
        source.write_bytes(content)
    result = runner.invoke(app, ["pinpoint", "import", str(source), "--kind", "journey"])
    assert result.exit_code == 2, repr(result.exception)
    assert result.stderr == f"error: {source}: {message}\n"


def test_a_request_saved_as_utf16_by_a_windows_shell_imports(
    runner: CliRunner, tmp_path: Path
) -> None:
    source, written = tmp_path / "journey.json", tmp_path / "journey.yaml"
    source.write_bytes(json.dumps(request(ONE_EMAIL)).encode("utf-16"))  # with its BOM
    args = ["pinpoint", "import", str(source), "--kind", "journey", "--out", str(written)]
    assert runner.invoke(app, args).exit_code == 0
    assert "name: imported" in written.read_text()


def test_a_template_not_imported_yet_is_refused_on_apply_naming_the_imported_file(
    runner: CliRunner, tmp_path: Path
) -> None:
    source = tmp_path / "journey.json"
    source.write_text(json.dumps(request(ONE_EMAIL)))
    result = runner.invoke(app, ["pinpoint", "import", str(source), "--kind", "journey"])
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        f"error: {source} (Journey 'imported'): steps.hi.template: 'hi' does not exist; "
        "apply the template first or with it",
        "nothing was applied",
    ]
