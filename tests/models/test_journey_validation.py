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


SPLIT = "{type: split, conditions: [{kind: attribute, name: x, op: exists}], yes: bye"
MULTI_SPLIT = (
    "{type: multi_split, else_next: bye, "
    "branches: [{conditions: [{kind: attribute, name: x, op: exists}], next: bye}]"
)


def _timed(duration: str) -> str:
    return (
        f"  first: {SPLIT}, evaluation_wait: {duration}, no: again}}\n"
        f"  again: {MULTI_SPLIT}, evaluation_wait: {duration}}}\n"
        "  bye: {type: exit}\n"
        "settings:\n"
        f"  entry: {{segment: {{segment: everyone, refresh: {duration}}}}}\n"
        f"  re_entry: {{allowed: true, min_interval: {duration}}}\n"
    )


def test_a_negative_duration_is_refused_naming_its_field(tmp_path: Path) -> None:
    positive = "Input should be greater than 0 seconds"
    not_negative = "Input should be greater than or equal to 0 seconds"
    assert _problems(tmp_path, _journey(_timed("-PT1H"))) == [
        f"steps.first.evaluation_wait: {not_negative}",
        f"steps.again.evaluation_wait: {not_negative}",
        f"settings.entry.segment.refresh: {positive}",
        f"settings.re_entry.min_interval: {not_negative}",
    ]


def test_zero_means_none_except_for_a_segment_refresh(tmp_path: Path) -> None:
    """A zero evaluation wait evaluates at once and a zero interval is no minimum (Pinpoint
    exports carry EndpointReentryInterval PT0S); a zero refresh would re-walk the segment
    without a pause."""
    assert _problems(tmp_path, _journey(_timed("PT0S"))) == [
        "settings.entry.segment.refresh: Input should be greater than 0 seconds"
    ]


def test_an_open_hours_window_ending_before_it_starts_is_refused(tmp_path: Path) -> None:
    # The night written as two windows, and quiet time wrapping past midnight, are fine.
    steps = (
        "  first: {type: send, template: hi}\n"
        "settings:\n"
        "  quiet_time: {start: '22:00', end: '07:00'}\n"
        "  open_hours:\n"
        "    channels:\n"
        "      EMAIL:\n"
        "        MON: [{start: '09:00', end: '12:00'}, {start: '17:00', end: '09:00'}]\n"
        "      SMS:\n"
        "        MON: [{start: '22:00', end: '23:59:59'}]\n"
        "        TUE: [{start: '00:00', end: '06:00'}, {start: '12:00', end: '12:00'}]\n"
    )
    night = (
        "a window ends after it starts on the same day; to cover a night, use two windows "
        "on the two days, e.g. MON 22:00-23:59:59 and TUE 00:00-06:00"
    )
    assert _problems(tmp_path, _journey(steps)) == [
        "settings.open_hours.channels.EMAIL.MON.1.end: "
        f"`end` 09:00:00 must be after `start` 17:00:00: {night}",
        "settings.open_hours.channels.SMS.TUE.1.end: "
        f"`end` 12:00:00 must be after `start` 12:00:00: {night}",
    ]


def test_a_closed_day_ending_before_it_starts_is_refused(tmp_path: Path) -> None:
    steps = (
        "  first: {type: send, template: hi}\n"
        "settings:\n"
        "  closed_days:\n"
        "    EMAIL:\n"
        "      - {name: ok, start: '2030-12-25T00:00:00', end: '2030-12-26T00:00:00'}\n"
        "      - {name: xmas, start: '2030-12-26T00:00:00Z', end: '2030-12-25T00:00:00Z'}\n"
        "      - {name: zero, start: '2030-12-25T01:00:00+01:00', end: '2030-12-25T00:00:00Z'}\n"
        "    SMS:\n"
        "      - {name: half, start: '2030-12-25T00:00:00', end: '2030-12-26T00:00:00Z'}\n"
    )  # `half` mixes a local and an absolute time: each is read in the participant's zone
    assert _problems(tmp_path, _journey(steps)) == [
        "settings.closed_days.EMAIL.1.end: "
        "`end` 2030-12-25T00:00:00+00:00 must be after `start` 2030-12-26T00:00:00+00:00",
        "settings.closed_days.EMAIL.2.end: "
        "`end` 2030-12-25T00:00:00+00:00 must be after `start` 2030-12-25T01:00:00+01:00",
    ]


def test_an_event_condition_window_must_be_positive(tmp_path: Path) -> None:
    steps = (
        "  first: {type: split, conditions: [{kind: event, event_type: buy, within: -P1D}],"
        " yes: bye}\n"
        "  bye: {type: exit}\n"
    )
    assert _problems(tmp_path, _journey(steps)) == [
        "steps.first.conditions.0.event.within: Input should be greater than 0 seconds"
    ]


HOOKS_JOURNEY_YAML = """\
kind: Journey
name: hooks
start: score
steps:
  score:
    type: webhook
    url: https://api.example.com/score
    body: '{"email": "{{ Address }"}'
    next: shout
  shout:
    type: webhook
    url: https://api.example.com/shout
    body: "{\\"plan\\": \\"{{ Attributes.Plan | upcase }}\\"}"
    next: find
  find: {type: webhook, method: GET, url: 'https://api.example.com/users/{{ Id }}?x={{ Address }}'}
"""


async def test_apply_refuses_webhook_bodies_that_do_not_parse_naming_step_and_line(
    tmp_path: Path, sqlite_database: Database
) -> None:
    """Every participant would fail at such a step (its body is rendered as a template), or
    call a URL holding `{{ Id }}` as it is written (the url is not rendered)."""
    herald = HeraldClient(Settings(database_url=sqlite_database.url), sqlite_database)
    path = tmp_path / "hooks.yaml"
    path.write_text(HOOKS_JOURNEY_YAML, "utf-8")

    with pytest.raises(DefinitionError) as raised:
        await herald.apply_files([path])

    where = f"{path}: document 1 (Journey 'hooks'): "
    assert raised.value.problems == [
        f"{where}steps.score.body: line 1 column 23: unexpected '}}'",
        f"{where}steps.shout.body: line 1: No filter named 'upcase'.",
        f"{where}steps.find.url: the url is called as written, not rendered as a template "
        "(only `body` is); put the participant's values in the body",
    ]
    async with sqlite_database.session() as session:
        assert await get_journey(session, "hooks") is None


async def test_a_webhook_body_is_checked_in_a_journey_refused_for_its_fields(
    tmp_path: Path, sqlite_database: Database
) -> None:
    herald = HeraldClient(Settings(database_url=sqlite_database.url), sqlite_database)
    path = tmp_path / "hooks.yaml"
    steps = (
        "  first: {type: send, channel: FAX, template: hi, next: call}\n"
        "  call: {type: webhook, url: 'https://api.example.com/x', body: '{% if Id %}'}\n"
    )
    path.write_text(_journey(steps), "utf-8")

    with pytest.raises(DefinitionError) as raised:
        await herald.apply_files([path])

    where = f"{path}: document 1 (Journey 'broken'): "
    assert raised.value.problems == [
        f"{where}steps.first.channel: Input should be {CHANNELS}",
        f"{where}steps.call.body: line 1 column 12: Unexpected end of template. Jinja was "
        "looking for the following tags: 'elif' or 'else' or 'endif'. The innermost block "
        "that needs to be closed is 'if'.",
    ]


async def test_apply_refuses_reply_keywords_that_can_never_match(
    tmp_path: Path, sqlite_database: Database
) -> None:
    """Keywords are compared with a reply's first word: "NOT NOW" (or "!!") never is one,
    and every reply meant for it went to `on_other_reply`."""
    herald = HeraldClient(Settings(database_url=sqlite_database.url), sqlite_database)
    path = tmp_path / "rsvp.yaml"
    steps = (
        "  first: {type: send, channel: SMS, template: ask, next: answer}\n"
        "  answer:\n"
        "    type: wait_for_reply\n"
        "    after_step: first\n"
        "    timeout: P1D\n"
        "    branches:\n"
        "      - {keywords: [YES, NOT NOW], next: done}\n"
        "      - {keywords: ['!!'], next: done}\n"
        "  done: {type: exit}\n"
    )
    ask = "---\nkind: Template\nname: ask\nchannel: SMS\nbody: Coming?\n"
    path.write_text(_journey(steps) + ask, "utf-8")

    with pytest.raises(DefinitionError) as raised:
        await herald.apply_files([path])

    where = f"{path}: document 1 (Journey 'broken'): steps.answer.branches"
    advice = "can never match: keywords are compared with a reply's first word; for a phrase, "
    assert raised.value.problems == [
        f"{where}.0.keywords: 'NOT NOW' {advice}use `pattern`",
        f"{where}.1.keywords: '!!' {advice}use `pattern`",
    ]
