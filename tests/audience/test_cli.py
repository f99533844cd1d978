"""`herald endpoints`, `herald segments`, `herald events put` and the Pinpoint segment import,
as a user types them (in process, against a SQLite file)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from herald.cli import app

ENDPOINTS = (
    "Id,ChannelType,Address,User.UserId,Attributes.Plan,Location.Country,Metrics.visits\n"
    "ann,EMAIL,ann@example.com,u-ann,pro,FR,12\n"
    "bob,SMS,+14155550101,u-ann,free,US,1\n"
    "cy,EMAIL,cy@example.com,,pro,US,5\n"
    "bad,EMAIL,nope,,,,\n"
)
SEGMENTS = """
kind: Segment
name: pros
rules:
  - {type: attribute, name: Plan, values: [pro]}
---
kind: Segment
name: french-pros
rules:
  - {type: segment, name: pros}
  - {type: location, field: country, values: [fr]}
"""


@pytest.fixture
def runner(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.setenv("HERALD_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("HERALD_DATABASE_URL", raising=False)
    return CliRunner()


def _file(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text)
    return str(path)


def test_import_reports_rows_and_exits_2_on_rejected_rows(
    runner: CliRunner, tmp_path: Path
) -> None:
    path = _file(tmp_path, "e.csv", ENDPOINTS)
    errors = tmp_path / "errors.txt"
    result = runner.invoke(app, ["endpoints", "import", path, "--errors", str(errors)])
    assert result.exit_code == 2
    assert "3 endpoints imported (3 new, 0 changed, 0 unchanged)" in result.stdout
    assert f"{path}: line 5: Address: 'nope' is not an email address" in result.stderr
    assert errors.read_text().startswith(f"{path}: line 5: Address:")
    again = runner.invoke(app, ["endpoints", "import", path, "--json", "--segment", "batch-1"])
    report = json.loads(again.stdout)
    assert (report["unchanged"], report["rejected"], report["members"]) == (3, 1, 3)


def test_segments_count_and_members(runner: CliRunner, tmp_path: Path) -> None:
    runner.invoke(app, ["endpoints", "import", _file(tmp_path, "e.csv", ENDPOINTS)])
    applied = runner.invoke(app, ["apply", _file(tmp_path, "s.yaml", SEGMENTS)])
    assert applied.exit_code == 0, applied.output
    count = runner.invoke(app, ["segments", "count", "pros", "--json"])
    assert json.loads(count.stdout) == {
        "segment": "pros",
        "endpoints": 2,
        "include_unreachable": False,
    }
    assert runner.invoke(app, ["segments", "count", "french-pros"]).stdout.strip() == "1 endpoints"
    page = runner.invoke(app, ["segments", "members", "pros", "--limit", "1", "--json"])
    first = json.loads(page.stdout)
    assert first["next"] == first["ids"][0]
    walked = runner.invoke(app, ["segments", "members", "pros", "--limit", "1", "--every"])
    assert sorted(walked.stdout.split()) == ["ann", "cy"]
    users = runner.invoke(app, ["segments", "members", "pros", "--users"])
    assert users.stdout.split() == ["u-ann"]
    listed = runner.invoke(app, ["segments", "list", "--json"])
    assert {s["name"]: s["version"] for s in json.loads(listed.stdout)} == {
        "pros": 1,
        "french-pros": 1,
    }
    shown = runner.invoke(app, ["segments", "show", "french-pros"])
    assert "type: segment" in shown.stdout and "# version 1" in shown.stdout


def test_a_missing_segment_exits_2(runner: CliRunner) -> None:
    result = runner.invoke(app, ["segments", "count", "nope"])
    assert result.exit_code == 2
    assert "segment 'nope' does not exist" in result.stderr


def test_endpoint_put_get_user_delete(runner: CliRunner) -> None:
    put = runner.invoke(
        app,
        ["endpoints", "put", "--id", "p1", "--channel", "SMS", "--address", "020 7946 0018",
         "--country", "GB", "--user", "u9", "--attr", "Plan=pro", "--attr", "Plan=team"],
    )  # fmt: skip
    assert put.exit_code == 0, put.output
    assert "endpoint p1 created (+442079460018)" in put.stdout
    got = json.loads(runner.invoke(app, ["endpoints", "get", "p1", "--json"]).stdout)
    assert got["Attributes"] == {"Plan": ["pro", "team"]}
    mine = json.loads(runner.invoke(app, ["endpoints", "user", "u9", "--json"]).stdout)
    assert [e["Id"] for e in mine] == ["p1"]
    bad = runner.invoke(
        app, ["endpoints", "put", "--id", "p2", "--channel", "SMS", "--address", "12"]
    )
    assert bad.exit_code == 2 and "Address" in bad.stderr
    assert runner.invoke(app, ["endpoints", "delete-user", "u9"]).exit_code == 0
    assert runner.invoke(app, ["endpoints", "get", "p1"]).exit_code == 2


def test_events_put_for_a_user_with_metrics(runner: CliRunner) -> None:
    runner.invoke(app, ["endpoints", "put", "--id", "p1", "--channel", "EMAIL",
                        "--address", "p@example.com", "--user", "u9"])  # fmt: skip
    recorded = runner.invoke(
        app,
        ["events", "put", "--user", "u9", "--type", "purchase", "--metric", "total=9.5",
         "--at", "2026-01-02T03:04:05Z"],
    )  # fmt: skip
    assert recorded.exit_code == 0, recorded.output
    unknown = runner.invoke(app, ["events", "put", "--user", "ghost", "--type", "x"])
    assert unknown.exit_code == 2 and "user 'ghost' does not exist" in unknown.stderr
    naive = runner.invoke(
        app, ["events", "put", "--user", "u9", "--type", "x", "--at", "2026-01-02"]
    )
    assert naive.exit_code == 2 and "--at" in naive.stderr


def test_pinpoint_segment_import(runner: CliRunner, tmp_path: Path) -> None:
    request: dict[str, Any] = {
        "Name": "French pros",
        "Dimensions": {
            "Attributes": {"Plan": {"AttributeType": "INCLUSIVE", "Values": ["pro"]}},
            "Location": {"Country": {"DimensionType": "INCLUSIVE", "Values": ["FR"]}},
        },
    }
    path = _file(tmp_path, "segment.json", json.dumps({"WriteSegmentRequest": request}))
    runner.invoke(app, ["endpoints", "import", _file(tmp_path, "e.csv", ENDPOINTS)])
    imported = runner.invoke(app, ["pinpoint", "import", path, "--kind", "segment", "--name", "fp"])
    assert imported.exit_code == 0, imported.output
    assert "Segment fp v1 applied" in imported.stdout
    assert runner.invoke(app, ["segments", "count", "fp"]).stdout.strip() == "1 endpoints"
    request["Dimensions"]["Demographic"] = {"DeviceType": {"Values": ["PHONE"]}}
    path = _file(tmp_path, "segment.json", json.dumps(request))
    refused = runner.invoke(app, ["pinpoint", "import", path, "--kind", "segment", "--name", "x"])
    assert refused.exit_code == 2
    assert "Dimensions.Demographic.DeviceType: Herald endpoints record no device type" in (
        refused.stderr
    )


def test_a_bad_segment_file_exits_2_naming_file_and_field(
    runner: CliRunner, tmp_path: Path
) -> None:
    rule = "{type: attribute, name: Signup, op: on, values: [2026-02-30]}"
    bad = f"kind: Segment\nname: s\nrules:\n  - {rule}\n"
    path = _file(tmp_path, "bad.yaml", bad)
    result = runner.invoke(app, ["apply", path])
    assert result.exit_code == 2
    assert f"{path}: document 1 (Segment 's'): rules.0.values: '2026-02-30' is not a date" in (
        result.stderr
    )
