"""A process leaving with `leave` keeps everything it wrote and the status it chose."""

from __future__ import annotations

import os
import subprocess
import sys

SCRIPT = """
import logging, sys
from herald.process_exit import leave
logging.basicConfig(stream=sys.stderr, format="%(message)s")
sys.stdout.write("results printed")
logging.getLogger("t").warning("log line")
leave(3)
"""


def test_leave_keeps_buffered_output_and_the_exit_status() -> None:
    # Piped and not unbuffered, stdout is block-buffered: without the flush the text is lost.
    env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT], capture_output=True, text=True, env=env, timeout=60
    )
    assert done.returncode == 3
    assert done.stdout == "results printed"
    assert "log line" in done.stderr
