"""Leaving a process that ran Temporal clients or workers, once its work is done.

The Temporal SDK's Rust core keeps threads of its own; one still holding a Python callback
while the interpreter tears itself down aborts the process ("Fatal Python error:
PyGILState_Release ... must be current when releasing", temporalio/sdk-python#300). The
work was finished and its output printed, yet the process exits with status 134, which
fails `make bench` and reports a cleanly stopped worker as crashed. A process whose work is
done therefore flushes what it wrote and exits without the teardown.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sys
from typing import NoReturn


def leave(code: int = 0) -> NoReturn:
    """Flush logs and standard streams, then end the process with `code` at once."""
    logging.shutdown()
    for stream in (sys.stdout, sys.stderr):
        # Closed, or its reader has gone: there is nothing left to keep.
        with contextlib.suppress(OSError, ValueError):
            stream.flush()
    os._exit(code)
