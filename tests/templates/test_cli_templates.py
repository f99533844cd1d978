"""`herald templates ...` as a user types it, and the preview being the message a send makes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from herald.channels import ChannelRegistry
from herald.cli import app
from herald.client import HeraldClient
from herald.delivery import deliver
from herald.models import DEFINITION_ADAPTER, MessageChannel, SendRequest
from herald.settings import Settings
from herald.store import Database
from herald.store.outbox import list_outbox

DEFINITIONS = """
kind: Endpoint
Id: ann
ChannelType: EMAIL
Address: ann@example.com
User: {UserId: u-ann, UserAttributes: {FirstName: [Ann]}}
Attributes: {Plan: [pro]}
---
kind: Template
name: welcome
channel: EMAIL
description: First mail
subject: "Welcome {{ User.UserAttributes.FirstName }}"
text: "{{ greeting }} You are on {{ Attributes.Plan }}. ({{ Journey.StepId | default('preview') }})"
html: "<p>{{ greeting }}</p>"
default_substitutions: {greeting: Hello & welcome.}
---
kind: Journey
name: onboarding
start: first
steps:
  first: {type: send, template: welcome, substitutions: {greeting: Hi there!}, next: bye}
  bye: {type: exit}
"""


@pytest.fixture
def runner(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.setenv("HERALD_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("HERALD_DATABASE_URL", raising=False)
    runner = CliRunner()
    path = tmp_path / "defs.yaml"
    path.write_text(DEFINITIONS)
    assert runner.invoke(app, ["apply", str(path)]).exit_code == 0
    changed = DEFINITIONS.replace("Welcome {{", "Welcome back {{")
    path.write_text(changed)
    assert runner.invoke(app, ["apply", str(path)]).exit_code == 0
    return runner


def test_render_previews_the_message_with_defaults(runner: CliRunner) -> None:
    result = runner.invoke(app, ["templates", "render", "welcome", "--endpoint", "ann"])
    assert result.exit_code == 0, result.output
    assert "# EMAIL template welcome v2 for ann <ann@example.com>" in result.stdout
    assert "subject: Welcome back Ann" in result.stdout
    assert "--- text\nHello & welcome. You are on pro. (preview)" in result.stdout
    assert "--- html\n<p>Hello &amp; welcome.</p>" in result.stdout


def test_render_as_a_journey_step_uses_its_substitutions_and_context(runner: CliRunner) -> None:
    args = ["templates", "render", "welcome", "--endpoint", "ann", "--version", "1", "--json"]
    result = runner.invoke(app, [*args, "--journey", "onboarding", "--step", "first"])
    assert result.exit_code == 0, result.output
    preview = json.loads(result.stdout)
    assert (preview["version"], preview["content"]["subject"]) == (1, "Welcome Ann")
    assert preview["content"]["text"] == "Hi there! You are on pro. (first)"


def test_render_takes_substitutions(runner: CliRunner) -> None:
    args = ["templates", "render", "welcome", "--endpoint", "ann", "--sub", "greeting=Yo", "--json"]
    result = runner.invoke(app, args)
    assert json.loads(result.stdout)["content"]["html"] == "<p>Yo</p>"


def test_render_problems_exit_2_and_say_what_to_fix(runner: CliRunner) -> None:
    missing = runner.invoke(app, ["templates", "render", "welcome", "--endpoint", "bob"])
    assert missing.exit_code == 2
    assert "endpoint 'bob' does not exist" in missing.stderr
    args = ["templates", "render", "welcome", "--endpoint", "ann", "--journey", "onboarding"]
    wrong_step = runner.invoke(app, [*args, "--step", "bye"])
    assert wrong_step.exit_code == 2
    assert "has no send step 'bye'; send steps: first" in wrong_step.stderr


def test_render_shows_channel_options(runner: CliRunner, tmp_path: Path) -> None:
    path = tmp_path / "push.yaml"
    path.write_text(
        "kind: Template\nname: ping\nchannel: PUSH\ntitle: 'Hi {{ User.UserAttributes.FirstName }}'"
        "\naction: URL\nurl: 'https://x.io/{{ Id }}'\napns: {aps: {badge: 1}}\n"
    )
    assert runner.invoke(app, ["apply", str(path)]).exit_code == 0
    result = runner.invoke(app, ["templates", "render", "ping", "--endpoint", "ann"])
    assert result.exit_code == 0, result.output
    assert "# PUSH template ping v1 for ann <ann@example.com>\ntitle: Hi Ann\n---\npush:\n" in (
        result.stdout
    )
    assert "  url: https://x.io/ann\n  apns:\n    aps:\n      badge: 1" in result.stdout


def test_list_versions_show_and_activate_roll_back(runner: CliRunner) -> None:
    listed = json.loads(runner.invoke(app, ["templates", "list", "--json"]).stdout)
    assert [(t["name"], t["active_version"], t["latest_version"]) for t in listed] == [
        ("welcome", 2, 2)
    ]
    activated = runner.invoke(app, ["templates", "activate", "welcome", "1"])
    assert activated.exit_code == 0
    assert "template welcome: version 1 active (was 2)" in activated.stdout
    versions = runner.invoke(app, ["templates", "versions", "welcome"])
    assert "Welcome {{" in versions.stdout and "Welcome back {{" in versions.stdout
    shown = runner.invoke(app, ["templates", "show", "welcome"])
    assert "# welcome version 1 (active)" in shown.stdout
    assert "subject: Welcome {{ User.UserAttributes.FirstName }}" in shown.stdout
    rendered = runner.invoke(app, ["templates", "render", "welcome", "--endpoint", "ann"])
    assert "subject: Welcome Ann" in rendered.stdout


def test_activating_a_version_that_does_not_exist_exits_2(runner: CliRunner) -> None:
    result = runner.invoke(app, ["templates", "activate", "welcome", "9"])
    assert result.exit_code == 2
    assert "template 'welcome' has no version 9" in result.stderr


def test_a_render_that_cannot_be_made_exits_2_naming_the_variable(
    runner: CliRunner, tmp_path: Path
) -> None:
    path = tmp_path / "tier.yaml"
    path.write_text("kind: Template\nname: tier\nchannel: EMAIL\nsubject: x\ntext: '{{ code }}'\n")
    assert runner.invoke(app, ["apply", str(path)]).exit_code == 0
    result = runner.invoke(app, ["templates", "render", "tier", "--endpoint", "ann"])
    assert result.exit_code == 2
    assert "template 'tier' (text): `code` has no value" in result.stderr


async def test_the_preview_is_the_message_the_step_sends(database: Database) -> None:
    definitions = [DEFINITION_ADAPTER.validate_python(d) for d in _documents()]
    herald = HeraldClient(Settings(database_url=database.url), database)
    await herald.apply(definitions)
    request = SendRequest(
        idempotency_key="journey:onboarding:ann:first",
        endpoint_id="ann",
        channel=MessageChannel.EMAIL,
        template="welcome",
        substitutions={"greeting": "Hi there!"},
        journey="onboarding",
        journey_version=1,
        step_id="first",
    )
    await deliver(database, ChannelRegistry.outbox_for_all(database), request)
    preview = await herald.render_template("welcome", "ann", journey="onboarding", step="first")
    async with database.session() as session:
        [sent] = await list_outbox(session)
    assert preview.content == sent.content
    assert sent.content.text == "Hi there! You are on pro. (first)"


def _documents() -> list[dict[str, object]]:
    import yaml

    return list(yaml.safe_load_all(DEFINITIONS))
