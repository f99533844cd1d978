"""Running audience commands: their user errors exit 2 with the message, like the others."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TypeVar

from herald.audience import FileFormatError
from herald.cli.common import fail, run
from herald.client import HeraldClient
from herald.segments import SegmentError

T = TypeVar("T")


def run_audience(work: Callable[[HeraldClient], Awaitable[T]]) -> T:
    try:
        return run(work)
    except (FileFormatError, SegmentError) as exc:
        fail(str(exc))


def parse_pairs(option: str, pairs: list[str]) -> dict[str, list[str]]:
    """KEY=VALUE options, a repeated key collecting several values."""
    found: dict[str, list[str]] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            fail(f"{option} {pair!r}: expected KEY=VALUE")
        found.setdefault(key, []).append(value)
    return found
