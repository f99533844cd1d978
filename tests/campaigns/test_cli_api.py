"""`herald campaigns` and the HTTP routes over the same client calls."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest
import yaml
from typer.testing import CliRunner

from herald.cli import app
from tests.campaigns.harness import SEGMENT, TEMPLATE, campaign

README = Path(__file__).resolve().parents[2] / "README.md"

# An event-triggered campaign: applying it starts nothing in Temporal.
ON_PURCHASE = campaign(
    "thanks", schedule={"frequency": "EVENT", "event": {"event_type": "purchase"}}
)


@pytest.fixture
def runner(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.setenv("HERALD_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("HERALD_DATABASE_URL", raising=False)
    return CliRunner()


def test_apply_then_list_and_status(runner: CliRunner, tmp_path: Path) -> None:
    path = tmp_path / "thanks.yaml"
    path.write_text(yaml.safe_dump_all([SEGMENT, TEMPLATE, ON_PURCHASE]))
    applied = runner.invoke(app, ["apply", str(path)])
    assert applied.exit_code == 0, applied.output
    assert "Campaign thanks applied (sends when purchase events arrive)" in applied.output
    listed = json.loads(runner.invoke(app, ["campaigns", "list", "--json"]).stdout)
    assert [(c["name"], c["state"], c["frequency"]) for c in listed] == [
        ("thanks", "SCHEDULED", "EVENT")
    ]
    status = runner.invoke(app, ["campaigns", "status", "thanks"])
    assert status.exit_code == 0 and "thanks: SCHEDULED (EVENT)" in status.output


def test_unknown_campaign_exits_2_with_the_reason(runner: CliRunner) -> None:
    for command in (["status", "nope"], ["pause", "nope"], ["cancel", "nope", "--json"]):
        result = runner.invoke(app, ["campaigns", *command])
        assert result.exit_code == 2
        assert "campaign 'nope' does not exist" in result.stderr


def test_pause_resume_cancel_print_json_as_the_readme_says(
    runner: CliRunner, tmp_path: Path
) -> None:
    assert "herald campaigns pause|resume|cancel spring-sale [--json]" in README.read_text()
    path = tmp_path / "thanks.yaml"
    path.write_text(yaml.safe_dump_all([SEGMENT, TEMPLATE, ON_PURCHASE]))
    assert runner.invoke(app, ["apply", str(path)]).exit_code == 0
    for action in ("pause", "resume", "cancel"):
        result = runner.invoke(app, ["campaigns", action, "thanks", "--json"])
        assert result.exit_code == 0, result.output
        # An event-triggered campaign has no run or Schedule to tell: `done` is empty.
        assert json.loads(result.stdout) == {"campaign": "thanks", "action": action, "done": []}
    status = runner.invoke(app, ["campaigns", "status", "thanks", "--json"])
    assert json.loads(status.stdout)["state"] == "CANCELLED"


def test_http_routes(api: httpx.Client) -> None:
    applied = api.post("/v1/definitions", json=[SEGMENT, TEMPLATE, ON_PURCHASE])
    assert applied.status_code == 200, applied.text
    assert [c["name"] for c in api.get("/v1/campaigns").json()] == ["thanks"]
    assert api.get("/v1/campaigns/thanks").json()["state"] == "SCHEDULED"
    assert api.get("/v1/campaigns/nope").status_code == 404
    ghost = api.post("/v1/campaigns/nope/pause")  # no such campaign: not a refusal (409)
    assert ghost.status_code == 404 and "does not exist" in ghost.json()["detail"]
    refused = api.post("/v1/campaigns/thanks/resume")
    assert refused.status_code == 409 and "not paused" in refused.json()["detail"]
    bad = api.post("/v1/definitions", json=[{**ON_PURCHASE, "holdout_percent": 101}])
    assert bad.status_code == 422 and "holdout_percent" in bad.text
