"""Bad HERALD_* values and a malformed database URL, as an operator meets them at start: one
short line per problem naming the variable and what it allows, exit 2, no traceback, and
never a secret."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from herald.settings import Settings
from tests.cli.process import HERALD, run

PASSWORD = "S3cret-db-Passw0rd"
BAD_SETTINGS = [
    # (command, variable, value, a word the message offers as allowed)
    (["api"], "HERALD_API_PORT", "eighty", "integer"),
    (["db", "upgrade"], "HERALD_CHANNELS__EMAIL__PROVIDER", "sendgrid", "smtp"),
    (["db", "upgrade"], "HERALD_DATABASE_URL", "mysql://herald@db/herald", "postgresql"),
    (["segments", "list"], "HERALD_TWO_WAY__MAX_BODY_BYTES", "0", "greater than 0"),
]
ARN = "arn:aws:sns:eu-west-1:123456789012:herald"
OTHER_ARN = "arn:aws:sns:eu-west-1:123456789012:other"


def test_a_malformed_database_url_is_named_with_its_password_masked(tmp_path: Path) -> None:
    # A mistyped port: the URL does not parse, and the error used to quote it whole.
    url = f"postgresql://herald:{PASSWORD}@db:54x2/herald"
    done = run([HERALD, "db", "upgrade"], tmp_path, HERALD_DATABASE_URL=url)
    assert done.returncode == 2, done.stdout[-2000:]
    assert "HERALD_DATABASE_URL" in done.stdout and "herald:***@db:54x2" in done.stdout
    assert PASSWORD not in done.stdout


@pytest.mark.parametrize(
    ("command", "variable", "value", "allowed"),
    BAD_SETTINGS,
    ids=[variable for _, variable, _, _ in BAD_SETTINGS],
)
def test_a_bad_setting_is_a_short_message_naming_the_variable(
    tmp_path: Path, command: list[str], variable: str, value: str, allowed: str
) -> None:
    done = run([HERALD, *command], tmp_path, **{variable: value})
    assert done.returncode == 2, done.stdout[-1500:]
    assert "Traceback" not in done.stdout, f"a traceback of {len(done.stdout.splitlines())} lines"
    assert variable in done.stdout and allowed in done.stdout, done.stdout[-1500:]


def test_a_secret_is_never_echoed(tmp_path: Path) -> None:
    # A Twilio SMS channel missing its account: the error names the variables still to set.
    token = "tw-auth-Secret-123"
    done = run(
        [HERALD, "db", "upgrade"],
        tmp_path,
        HERALD_CHANNELS__SMS__PROVIDER="twilio",
        HERALD_CHANNELS__SMS__AUTH_TOKEN=token,
    )
    assert done.returncode == 2
    assert "HERALD_CHANNELS__SMS__ACCOUNT_SID" in done.stdout and token not in done.stdout


@pytest.mark.parametrize(
    ("given", "taken"),
    [
        (ARN, [ARN]),
        (f"{ARN}, {OTHER_ARN}", [ARN, OTHER_ARN]),
        (f'["{ARN}", "{OTHER_ARN}"]', [ARN, OTHER_ARN]),
    ],
    ids=["bare", "commas", "json"],
)
def test_sns_topic_arns_take_a_bare_arn_commas_or_a_json_list(
    monkeypatch: pytest.MonkeyPatch, given: str, taken: list[str]
) -> None:
    # README: HERALD_TWO_WAY__SNS_TOPIC_ARNS restricts the topics; one ARN was refused with
    # `error parsing value for field "two_way"`, naming neither the variable nor the form.
    for key in [k for k in os.environ if k.startswith("HERALD_")]:
        monkeypatch.delenv(key)
    monkeypatch.setenv("HERALD_TWO_WAY__SNS_TOPIC_ARNS", given)
    assert Settings(_env_file=None).two_way.sns_topic_arns == taken


def test_a_broken_json_list_of_arns_names_the_variable_and_its_forms(tmp_path: Path) -> None:
    done = run([HERALD, "db", "upgrade"], tmp_path, HERALD_TWO_WAY__SNS_TOPIC_ARNS=f'["{ARN}"')
    assert done.returncode == 2
    assert "HERALD_TWO_WAY__SNS_TOPIC_ARNS" in done.stdout and "JSON list" in done.stdout
