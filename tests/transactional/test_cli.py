"""`herald send`, `herald otp` and `herald suppressions` as a user types them, against a
SQLite file, with a worker on the dev server."""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from temporalio.testing import WorkflowEnvironment
from typer.testing import CliRunner, Result

from herald.cli import app
from herald.settings import Settings
from herald.store import Database, upgrade
from worker import build_worker


@pytest.fixture
def runner(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.setenv("HERALD_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("HERALD_DATABASE_URL", raising=False)
    return CliRunner()


@pytest.fixture
async def worker_env(
    runner: CliRunner, dev_env: WorkflowEnvironment, task_queue: str,
    monkeypatch: pytest.MonkeyPatch,
) -> AsyncIterator[None]:  # fmt: skip
    monkeypatch.setenv("HERALD_TEMPORAL_ADDRESS", dev_env.client.service_client.config.target_host)
    monkeypatch.setenv("HERALD_TASK_QUEUE", task_queue)
    url = Settings().resolved_database_url
    Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    upgrade(url)
    database = Database(url)
    async with build_worker(dev_env.client, task_queue=task_queue, database=database):
        yield
    await database.dispose()


async def _herald(runner: CliRunner, *args: str) -> Result:
    # The command runs its own event loop; this test's loop keeps running the worker.
    return await asyncio.to_thread(lambda: runner.invoke(app, list(args)))


async def test_send_and_otp_from_the_command_line(runner: CliRunner, worker_env: None) -> None:
    sent = await _herald(runner, "send", "--address", "SMS=+15555550100", "--request-id", "cli-1")
    assert sent.exit_code == 2 and "give `templates` or `content`" in sent.output

    doc = '{"content": {"SMS": {"body": "Hi {{ who }}"}}, "substitutions": {"who": "Ann"}}'
    path = Path(Settings().home) / "req.json"
    path.write_text(doc)
    sent = await _herald(
        runner, "send", "--address", "SMS=+15555550100", "--file", str(path),
        "--request-id", "cli-1", "--json",
    )  # fmt: skip
    assert sent.exit_code == 0, sent.output
    [result] = json.loads(sent.output)["results"]
    assert result["status"] == "ACCEPTED"
    listed = await _herald(runner, "outbox", "list", "--json")
    assert [m["content"]["body"] for m in json.loads(listed.output)] == ["Hi Ann"]

    otp = await _herald(
        runner, "otp", "send", "+15555550100", "--reference", "cli", "--brand", "Acme"
    )
    assert otp.exit_code == 0 and "ACCEPTED" in otp.output, otp.output
    listed = await _herald(runner, "outbox", "list", "--json")
    code = re.findall(r"code: (\d+)", json.loads(listed.output)[-1]["content"]["body"])[0]
    wrong = await _herald(runner, "otp", "verify", "+15555550100", "--reference", "cli", "x")
    right = await _herald(runner, "otp", "verify", "+15555550100", "--reference", "cli", code)
    assert (wrong.exit_code, right.exit_code) == (1, 0)


def test_suppressions_from_the_command_line(runner: CliRunner) -> None:
    added = runner.invoke(app, ["suppressions", "add", "EMAIL", "Ann@Example.com"])
    assert added.exit_code == 0, added.output
    bad = runner.invoke(app, ["suppressions", "add", "EMAIL", "not-an-address"])
    assert bad.exit_code == 2 and "address:" in bad.output
    listed = runner.invoke(app, ["suppressions", "list", "--json"])
    assert [(s["channel"], s["address"]) for s in json.loads(listed.output)] == [
        ("EMAIL", "Ann@example.com")
    ]
    assert runner.invoke(app, ["suppressions", "remove", "EMAIL", "Ann@example.com"]).exit_code == 0
    again = runner.invoke(app, ["suppressions", "remove", "EMAIL", "Ann@example.com"])
    assert again.exit_code == 2 and "not suppressed" in again.output
