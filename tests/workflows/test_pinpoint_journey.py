"""A Pinpoint WriteJourneyRequest with a wait, a split and two sends, imported and run."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from herald.cli import app
from herald.definitions import load_files
from herald.models import Journey, SendStep
from herald.pinpoint import PinpointImportError, translate
from tests.workflows.engine import Engine, endpoint, template

PINPOINT_JOURNEY: dict[str, Any] = {
    "Name": "Welcome Series",
    "StartActivity": "welcome",
    "Activities": {
        "welcome": {
            "Description": "First email",
            "EMAIL": {"TemplateName": "WelcomeEmail", "NextActivity": "pause"},
        },
        "pause": {"Wait": {"WaitTime": {"WaitFor": "P2D"}, "NextActivity": "isPro"}},
        "isPro": {
            "ConditionalSplit": {
                "Condition": {
                    "Operator": "ALL",
                    "Conditions": [
                        {
                            "SegmentDimensions": {
                                "Attributes": {
                                    "Plan": {"AttributeType": "INCLUSIVE", "Values": ["pro"]}
                                }
                            }
                        }
                    ],
                },
                "TrueActivity": "proTips",
                "FalseActivity": "upgrade",
            }
        },
        "proTips": {"EMAIL": {"TemplateName": "ProTips"}},
        "upgrade": {"EMAIL": {"TemplateName": "Upgrade"}},
    },
    "Limits": {"DailyCap": 3, "EndpointReentryCap": 2},
    "QuietTime": {"Start": "22:00", "End": "07:00"},
    "WaitForQuietTime": True,
    "Schedule": {"Timezone": "Europe/Paris"},
}


def test_translation_keeps_steps_settings_and_names() -> None:
    [journey] = translate("journey", PINPOINT_JOURNEY, "welcome-series")
    assert isinstance(journey, Journey)
    assert list(journey.steps) == ["welcome", "pause", "isPro", "proTips", "upgrade"]
    welcome = journey.steps["welcome"]
    assert isinstance(welcome, SendStep)
    assert welcome.template == "welcomeemail"
    assert journey.settings.limits.daily_cap == 3
    assert journey.settings.re_entry.max_entries == 2
    assert journey.settings.quiet_time is not None
    assert journey.settings.quiet_time.mode == "wait"


@pytest.mark.parametrize(
    ("change", "path"),
    [
        ({"ContactCenter": {"NextActivity": "x"}}, "$.Activities.bad.ContactCenter"),
        ({"EMAIL": {"NextActivity": "pause"}}, "$.Activities.bad.EMAIL.TemplateName"),
        ({"Wait": {"WaitTime": {}}}, "$.Activities.bad.Wait.WaitTime"),
    ],
)
def test_untranslatable_activities_name_their_json_path(change: dict[str, Any], path: str) -> None:
    broken = {**PINPOINT_JOURNEY, "Activities": {**PINPOINT_JOURNEY["Activities"], "bad": change}}
    with pytest.raises(PinpointImportError, match=path.replace("$", r"\$")):
        translate("journey", broken, "broken")


async def test_imported_journey_runs(engine: Engine, tmp_path: Path) -> None:
    await engine.apply(
        endpoint("pro-ann", Attributes={"Plan": ["pro"]}),
        endpoint("free-bob", Attributes={"Plan": ["free"]}),
        template("welcomeemail"),
        template("protips"),
        template("upgrade"),
    )
    # Without quiet time: this run must not depend on the hour the suite runs at.
    running = {k: v for k, v in PINPOINT_JOURNEY.items() if k != "QuietTime"}
    [journey] = translate("journey", running, "imported")
    await engine.herald.apply([journey])
    for who in ("pro-ann", "free-bob"):
        await engine.herald.enter("imported", who)
        await engine.waiting("imported", who, on="pause")
    await engine.skip(timedelta(days=2, minutes=1))
    ann = await engine.finish("imported", "pro-ann")
    bob = await engine.finish("imported", "free-bob")
    assert engine.path(ann) == ["welcome", "pause", "isPro", "proTips"]
    assert engine.path(bob) == ["welcome", "pause", "isPro", "upgrade"]


async def test_quiet_time_follows_a_fixed_offset_schedule_timezone(
    own_server_engine: Engine,
) -> None:
    engine = own_server_engine  # its clock moves to a chosen date
    await engine.apply(endpoint("no-zone"), template("welcomeemail"))
    document = {
        "Name": "Late",
        "StartActivity": "welcome",
        "Activities": {"welcome": {"EMAIL": {"TemplateName": "WelcomeEmail"}}},
        "QuietTime": {"Start": "22:00", "End": "07:00"},
        "WaitForQuietTime": True,
        "Schedule": {"Timezone": "UTC+05:30"},
    }
    [journey] = translate("journey", document, "late")
    await engine.herald.apply([journey])
    # 18:00 UTC is 23:30 at UTC+05:30: quiet for an endpoint without a timezone of its own.
    to = datetime(2030, 1, 10, 18, 0, tzinfo=UTC)
    await engine.skip(to - await engine.now())
    await engine.herald.enter("late", "no-zone")
    held = await engine.waiting("late", "no-zone")
    assert held.waiting_for == "quiet_time"
    assert held.waiting_until == datetime(2030, 1, 11, 1, 30, tzinfo=UTC)  # 07:00 at +05:30


def test_cli_import_writes_herald_yaml(tmp_path: Path) -> None:
    source = tmp_path / "journey.json"
    source.write_text(json.dumps(PINPOINT_JOURNEY))
    out = tmp_path / "journey.yaml"
    result = CliRunner().invoke(
        app,
        ["pinpoint", "import", str(source), "--kind", "journey", "--name", "ws", "--out", str(out)],
    )
    assert result.exit_code == 0, result.output
    [journey] = load_files([out])
    assert journey == translate("journey", PINPOINT_JOURNEY, "ws")[0]
