"""Timing helpers: best-of-N wall time, so a noisy neighbour inflates neither side."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass


@dataclass
class Result:
    name: str
    baseline: str
    ops: int
    seconds: float
    baseline_seconds: float
    unit: str = "s"  # "s" wall time, "MB" memory, "ms" latency, "cpu" CPU seconds in all
    # Latency rows (unit "ms"): `seconds` and `baseline_seconds` are the p50s; these the p99s.
    p99: float | None = None
    baseline_p99: float | None = None

    @property
    def ratio(self) -> float:
        """Herald's time (or memory) over the baseline's for the same work (1.0 = as good)."""
        return self.seconds / self.baseline_seconds

    def row(self) -> str:
        if self.unit == "MB":
            return (
                f"{self.name:<34} {self.seconds:>11,.0f} MB  {self.baseline:<26} "
                f"{self.baseline_seconds:>11,.0f} MB  x{self.ratio:.2f} (memory)"
            )
        if self.unit == "cpu":
            return (
                f"{self.name:<34} {self.seconds / self.ops * 1000:>11,.1f} ms  {self.baseline:<26} "
                f"{self.baseline_seconds / self.ops * 1000:>11,.1f} ms  x{self.ratio:.2f} (CPU)"
            )
        if self.unit == "ms":
            return (
                f"{self.name:<34} {_ms(self.seconds, self.p99):>14}  {self.baseline:<26} "
                f"{_ms(self.baseline_seconds, self.baseline_p99):>14}  x{self.ratio:.2f} (p50)"
            )
        rate = self.ops / self.seconds
        base_rate = self.ops / self.baseline_seconds
        return (
            f"{self.name:<34} {rate:>12,.0f}/s  {self.baseline:<26} {base_rate:>12,.0f}/s  "
            f"x{self.ratio:.2f}"
        )


def _ms(p50: float, p99: float | None) -> str:
    """`p50/p99 ms`, milliseconds."""
    return f"{p50 * 1000:.0f}/{(p99 or p50) * 1000:.0f} ms"


def best_of(repeats: int, work: Callable[[], None]) -> float:
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        work()
        best = min(best, time.perf_counter() - start)
    return best
