"""`herald pinpoint import FILE --kind journey` from the command line: applied under the
request's Name or --name, written out with --out, and a bad name or timezone refused."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from herald.cli import app
from tests.pinpoint.test_journey_import import ONE_EMAIL, request


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
