"""A journey's problems at apply: every one in the same error, each with file, step id, field."""

from __future__ import annotations

from pathlib import Path

import pytest

from herald.client import HeraldClient
from herald.definitions import DefinitionError, load_files
from herald.settings import Settings
from herald.store import Database
from herald.store.journeys import get_journey

CHANNELS = "'EMAIL', 'SMS', 'VOICE', 'PUSH', 'IN_APP' or 'CUSTOM'"

ENDPOINT_YAML = "kind: Endpoint\nId: ann\nChannelType: SMS\nAddress: '+15550100'\n"
TEMPLATE_YAML = "kind: Template\nname: hi\nchannel: SMS\nbody: Hi\n"
BROKEN_JOURNEY_YAML = """\
kind: Journey
name: broken
start: hello
steps:
  hello: {type: send, channel: FAX, template: hi, next: pick}
  pick:
    type: random_split
    branches: [{percent: 60, next: ask}, {percent: 30, next: nowhere}]
  ask:
    type: wait_for_reply
    after_step: later
    timeout: P1D
    branches: [{keywords: ["YES"], next: later}]
  later: {type: send, channel: SMS, template: hi}
  orphan: {type: exit}
"""


def _journey(steps: str, start: str = "first") -> str:
    return f"kind: Journey\nname: broken\nstart: {start}\nsteps:\n{steps}"


def _problems(tmp_path: Path, text: str) -> list[str]:
    path = tmp_path / "journey.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DefinitionError) as raised:
        load_files([path])
    where = f"{path}: document 1 (Journey 'broken'): "
    assert all(p.startswith(where) for p in raised.value.problems), raised.value.problems
    return [p.removeprefix(where) for p in raised.value.problems]


async def test_one_apply_lists_every_problem_of_the_journey(
    tmp_path: Path, sqlite_database: Database
) -> None:
    herald = HeraldClient(Settings(database_url=sqlite_database.url), sqlite_database)
    path = tmp_path / "batch.yaml"
    path.write_text("---\n".join([ENDPOINT_YAML, TEMPLATE_YAML, BROKEN_JOURNEY_YAML]), "utf-8")

    with pytest.raises(DefinitionError) as raised:
        await herald.apply_files([path])

    where = f"{path}: document 3 (Journey 'broken'): "
    assert raised.value.problems == [
        f"{where}steps.hello.channel: Input should be {CHANNELS}",
        f"{where}steps.pick.branches: percentages sum to 90 (60 + 30); they must sum to 100",
        f"{where}steps.pick.branches.1.next: 'nowhere' is not a step; "
        "steps are ['ask', 'hello', 'later', 'orphan', 'pick']",
        f"{where}steps.orphan: unreachable from start 'hello'",
        f"{where}steps.ask.after_step: 'later' must be an earlier send step; "
        "earlier send steps are ['hello']",
    ]
    # All or nothing: the good documents beside it wait for the journey to be fixed.
    assert await herald.get_endpoint("ann") is None
    async with sqlite_database.session() as session:
        assert await get_journey(session, "broken") is None


def test_a_step_reached_only_through_a_broken_step_is_still_reachable(tmp_path: Path) -> None:
    steps = (
        "  first: {type: send, channel: FAX, template: hi, next: bye}\n"
        "  bye: {type: exit}\n"
        "  orphan: {type: exit}\n"
    )
    assert _problems(tmp_path, _journey(steps)) == [
        f"steps.first.channel: Input should be {CHANNELS}",
        "steps.orphan: unreachable from start 'first'",
    ]


def test_random_split_percentages_must_sum_to_100(tmp_path: Path) -> None:
    steps = (
        "  first: {type: random_split, branches: [{percent: 50, next: bye}, {percent: 40}]}\n"
        "  bye: {type: exit}\n"
    )
    assert _problems(tmp_path, _journey(steps)) == [
        "steps.first.branches: percentages sum to 90 (50 + 40); they must sum to 100"
    ]


def test_wait_for_reply_needs_an_earlier_send_step(tmp_path: Path) -> None:
    steps = (
        "  first: {type: wait_for_reply, after_step: thanks, timeout: P1D, on_timeout: thanks}\n"
        "  thanks: {type: send, channel: SMS, template: hi}\n"
    )
    assert _problems(tmp_path, _journey(steps)) == [
        "steps.first.after_step: 'thanks' must be an earlier send step; earlier send steps are []"
    ]


def test_wait_for_reply_needs_an_sms_or_email_step(tmp_path: Path) -> None:
    steps = (
        "  first: {type: send, channel: PUSH, template: hi, next: ask}\n"
        "  ask: {type: wait_for_reply, after_step: first, timeout: P1D}\n"
    )
    assert _problems(tmp_path, _journey(steps)) == [
        "steps.ask.after_step: replies come to SMS or EMAIL steps; 'first' sends PUSH"
    ]


def test_an_engagement_condition_names_its_field(tmp_path: Path) -> None:
    condition = "{kind: engagement, step: later, engagement: opened}"
    steps = (
        f"  first: {{type: split, conditions: [{condition}], yes: later}}\n"
        "  later: {type: send, template: hi}\n"
    )
    assert _problems(tmp_path, _journey(steps)) == [
        "steps.first.conditions.0.step: 'later' must be an earlier send step; "
        "earlier send steps are []"
    ]


def test_an_unknown_channel_lists_the_channels_and_the_step_still_counts(
    tmp_path: Path,
) -> None:
    steps = (
        "  first: {type: send, channel: FAX, template: hi, next: tag}\n"
        "  tag: {type: update, set: {seen: ['1']}, next: first}\n"
    )
    assert _problems(tmp_path, _journey(steps)) == [
        f"steps.first.channel: Input should be {CHANNELS}",
        "steps.first: loop with no wait (first -> tag -> first)",
    ]
