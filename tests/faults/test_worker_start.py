"""`herald worker` started while PostgreSQL or Temporal is down (compose, systemd): it waits
for each, then gives up with one line saying what to start or which variable to fix."""

from __future__ import annotations

import sys
from pathlib import Path

from tests.cli.process import run
from tests.loopback_http import free_port

PASSWORD = "w0rker-db-pw"
# `python -m worker` as `herald worker` execs it, its patience cut from 60 s to 1 s so the
# test does not wait a minute for the give-up it checks.
IMPATIENT_WORKER = [
    sys.executable,
    "-c",
    "import worker.__main__ as w; w.CONNECT_PATIENCE_S = 1.0; w.main()",
]


def test_worker_gives_up_on_postgresql_naming_its_variable_not_its_password(
    tmp_path: Path,
) -> None:
    url = f"postgresql://herald:{PASSWORD}@127.0.0.1:{free_port()}/herald"
    done = run(IMPATIENT_WORKER, tmp_path, HERALD_DATABASE_URL=url)
    assert done.returncode == 1, done.stdout[-2000:]
    assert "Traceback" not in done.stdout, done.stdout[-2000:]
    assert "retrying" in done.stdout  # it waited before giving up
    last = done.stdout.splitlines()[-1]
    assert "HERALD_DATABASE_URL" in last and "herald:***@127.0.0.1" in last, last
    assert PASSWORD not in done.stdout


def test_worker_gives_up_on_temporal_naming_its_address(tmp_path: Path) -> None:
    address = f"127.0.0.1:{free_port()}"
    done = run(IMPATIENT_WORKER, tmp_path, HERALD_TEMPORAL_ADDRESS=address)
    assert done.returncode == 1, done.stdout[-2000:]
    assert "Traceback" not in done.stdout, done.stdout[-2000:]
    last = done.stdout.splitlines()[-1]
    assert f"Temporal is not reachable at {address}" in last, last
    assert "HERALD_TEMPORAL_ADDRESS" in last


def test_worker_with_a_bad_setting_names_it_and_exits_2(tmp_path: Path) -> None:
    done = run(IMPATIENT_WORKER, tmp_path, HERALD_CHANNELS__EMAIL__PROVIDER="sendgrid")
    assert done.returncode == 2, done.stdout[-2000:]
    assert "Traceback" not in done.stdout
    assert "HERALD_CHANNELS__EMAIL__PROVIDER" in done.stdout and "smtp" in done.stdout
