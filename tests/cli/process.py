"""Running the `herald` console script (or `python -m worker`) as an operator would: its own
process, a chosen environment, stdout and stderr together."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

HERALD = str(Path(sys.executable).parent / "herald")
RUN_DEADLINE_S = 90.0


def herald_env(tmp_path: Path, **settings: str) -> dict[str, str]:
    """The caller's environment without any HERALD_* variable, plus `settings`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("HERALD_")}
    env.update(HERALD_HOME=str(tmp_path / "home"), PYTHONUNBUFFERED="1", COLUMNS="100")
    env.update(settings)
    return env


def run(argv: list[str], tmp_path: Path, **settings: str) -> subprocess.CompletedProcess[str]:
    """`argv` run to its end (a deadline, not a wait)."""
    return subprocess.run(
        argv,
        cwd=tmp_path,  # no stray .env file
        env=herald_env(tmp_path, **settings),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        timeout=RUN_DEADLINE_S,
        check=False,
    )
