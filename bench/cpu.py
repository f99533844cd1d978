"""CPU seconds spent by this process and its children (the dev server it started), read from
/proc. The benchmarks run CPU-bound on small machines, where throughput follows the CPU each
item costs, so a row of CPU per item says where a ratio comes from."""

from __future__ import annotations

import os
from pathlib import Path

_PROC = Path("/proc")


def cpu_seconds() -> float | None:
    """User + system CPU of this process and its direct children; None without /proc."""
    if not _PROC.is_dir():
        return None
    me, tick = os.getpid(), os.sysconf("SC_CLK_TCK")
    total = 0.0
    for entry in _PROC.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            # The command name (in parentheses) may hold spaces: split after its last ')'.
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # gone between listing and reading
        if int(entry.name) == me or int(fields[1]) == me:
            total += (int(fields[11]) + int(fields[12])) / tick
    return total
